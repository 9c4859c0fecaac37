// A response body whose JSON text was made elsewhere (by the database: the catalogue's reads) comes
// as a JsonText and is sent as it is; any other body is serialized by Koa.

/**
 * The JSON text of a body of type `T`, already made (the catalogue's reads have PostgreSQL write
 * it): the answer sends it unchanged. Whoever makes one vouches that the text is JSON of type `T`;
 * the tests check every answer against openapi.yaml.
 */
export class JsonText<T> {
  /** Only a type: what the text stands for. */
  declare readonly standsFor?: T;
  constructor(readonly text: string) {}
}
