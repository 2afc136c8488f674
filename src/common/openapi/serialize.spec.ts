import { serializeOpenApiDocument, sortKeysDeep } from './serialize.js';

describe('serializeOpenApiDocument', () => {
  it('sorts keys at every depth and keeps array order', () => {
    const sorted = sortKeysDeep({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } });
    expect(JSON.stringify(sorted)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('writes two-space JSON with a final newline, the same for equal documents', () => {
    const text = serializeOpenApiDocument({ paths: { '/b': {}, '/a': {} } });
    expect(text).toBe('{\n  "paths": {\n    "/a": {},\n    "/b": {}\n  }\n}\n');
    expect(serializeOpenApiDocument({ paths: { '/a': {}, '/b': {} } })).toBe(text);
  });
});
