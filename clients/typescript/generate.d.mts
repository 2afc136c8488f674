export declare const DOCUMENT_PATH: string;
export declare const SCHEMA_PATH: string;
export declare function renderSchemaTypes(documentText: string): Promise<string>;
