import { SnakeNamingStrategy } from './snake-naming.strategy.js';

describe('SnakeNamingStrategy', () => {
  const naming = new SnakeNamingStrategy();

  describe('tableName', () => {
    it.each([
      ['Article', 'article'],
      ['ContactRequest', 'contact_request'],
      ['SeedRun', 'seed_run'],
      ['OpeningHoursPeriod', 'opening_hours_period'],
      ['HTTPLog', 'http_log'],
      ['Article2Tag', 'article2_tag'],
    ])('turns the class %s into %s', (className, table) => {
      expect(naming.tableName(className, undefined)).toBe(table);
    });

    it('keeps a custom name as it is', () => {
      expect(naming.tableName('ContactRequest', 'Legacy_Contacts')).toBe('Legacy_Contacts');
    });
  });

  describe('columnName', () => {
    it.each([
      ['id', 'id'],
      ['publishedAt', 'published_at'],
      ['createdAt', 'created_at'],
      ['isHTMLSafe', 'is_html_safe'],
      ['line2', 'line2'],
    ])('turns the property %s into %s', (property, column) => {
      expect(naming.columnName(property, undefined, [])).toBe(column);
    });

    it('keeps a custom name as it is', () => {
      expect(naming.columnName('publishedAt', 'pub_date', [])).toBe('pub_date');
    });

    it('prefixes the columns of embedded entities', () => {
      expect(naming.columnName('postalCode', undefined, ['address'])).toBe('address_postal_code');
      expect(naming.columnName('lat', undefined, ['homeAddress', 'geoPoint'])).toBe('home_address_geo_point_lat');
    });

    it('prefixes a custom name in an embedded entity without changing it', () => {
      expect(naming.columnName('postalCode', 'zip', ['address'])).toBe('address_zip');
    });
  });

  describe('relationName', () => {
    it.each([
      ['author', 'author'],
      ['authorProfile', 'author_profile'],
    ])('turns %s into %s', (property, relation) => {
      expect(naming.relationName(property)).toBe(relation);
    });
  });

  describe('joinColumnName', () => {
    it.each([
      ['author', 'id', 'author_id'],
      ['contactRequest', 'id', 'contact_request_id'],
      ['article', 'publicId', 'article_public_id'],
    ])('joins %s and %s into %s', (relation, referenced, column) => {
      expect(naming.joinColumnName(relation, referenced)).toBe(column);
    });
  });

  describe('joinTableName', () => {
    it('names the table after the owner table, the property and the other table', () => {
      expect(naming.joinTableName('article', 'tag', 'tags')).toBe('article_tags_tag');
      expect(naming.joinTableName('article', 'tag', 'relatedTags')).toBe('article_related_tags_tag');
    });

    it('replaces the dots of an embedded property path', () => {
      expect(naming.joinTableName('article', 'tag', 'meta.tags')).toBe('article_meta_tags_tag');
    });
  });

  describe('joinTableColumnName', () => {
    it('uses the column name when given, the property name otherwise', () => {
      expect(naming.joinTableColumnName('article', 'id')).toBe('article_id');
      expect(naming.joinTableColumnName('article', 'id', 'publicId')).toBe('article_public_id');
      expect(naming.joinTableColumnName('contactRequest', 'publicId')).toBe('contact_request_public_id');
    });
  });
});
