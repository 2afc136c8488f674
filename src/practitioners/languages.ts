import { registerDecorator } from 'class-validator';

/** The canonical form of a BCP 47 language tag (`es-mx` → `es-MX`), or undefined when it is not one. */
export function canonicalLanguage(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}

/** Every item is a well-formed BCP 47 language tag (what `Intl.getCanonicalLocales` accepts). */
export function AreLanguageTags(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'areLanguageTags',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be BCP 47 language tags, e.g. en, es-MX` },
      validator: {
        validate: (value: unknown) =>
          !Array.isArray(value) ||
          value.every((tag) => typeof tag === 'string' && tag.length <= 35 && canonicalLanguage(tag) !== undefined),
      },
    });
}
