// Runs the @nestjs/swagger CLI plugin inside ts-jest, so tests see the same OpenAPI metadata as `nest build`.
// Options must match nest-cli.json.
const plugin = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 2; // bump when the options change: ts-jest keys its cache on it
module.exports.factory = (cs) =>
  plugin.before(
    { introspectComments: true, classValidatorShim: true, controllerKeyOfComment: 'description' },
    cs.program,
  );
