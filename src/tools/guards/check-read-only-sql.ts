import { tokenizeSql, type SqlToken } from './tokenize-sql.ts';

export type SqlCheck = { ok: true } | { ok: false; reason: string };

// Keywords that change the schema, the data or the connection wherever they appear (a CTE
// can end in a DELETE). Transaction words need no entry: a statement must start with SELECT.
const writeKeywords = new Set(['INSERT', 'UPDATE', 'DELETE', 'DROP', 'ALTER', 'CREATE', 'TRUNCATE', 'ATTACH', 'DETACH', 'VACUUM', 'REINDEX']);
// Functions that reach outside the query (files, extensions) even from a SELECT.
const forbiddenFunctions = new Set(['LOAD_EXTENSION', 'READFILE', 'WRITEFILE', 'EDIT', 'FTS3_TOKENIZER']);
// PRAGMAs that only read; any PRAGMA with "=" or another name could change the connection.
const readPragmas = new Set(['TABLE_INFO', 'TABLE_XINFO', 'TABLE_LIST', 'INDEX_LIST', 'INDEX_INFO', 'FOREIGN_KEY_LIST']);

/**
 * Decide whether SQL is one read-only statement, using a tokenizer rather than a regex, so
 * keywords inside strings or quoted names do not count and comments cannot hide anything.
 * Refuses with a reason naming what was found: DROP, TRUNCATE, ALTER, DELETE or UPDATE
 * (noting a missing WHERE), several statements, ATTACH, PRAGMA writes, file functions.
 * @example checkReadOnlySql('DELETE FROM refunds') // { ok: false, reason: 'DELETE without WHERE would remove every row; ...' }
 */
export function checkReadOnlySql(sql: string): SqlCheck {
  let tokens: SqlToken[];
  try {
    tokens = tokenizeSql(sql);
  } catch (error) {
    return { ok: false, reason: `The SQL cannot be read: ${(error as Error).message}.` };
  }
  const statements = splitStatements(tokens);
  if (statements.length === 0) return { ok: false, reason: 'The SQL is empty.' };
  if (statements.length > 1) return { ok: false, reason: `Only one statement is allowed; found ${statements.length}.` };
  const statement = statements[0]!;
  const words = statement.filter((token) => token.kind === 'word').map((token) => token.text);
  const first = words[0];

  if (first === 'PRAGMA') {
    const name = words[1] ?? '';
    const assigns = statement.some((token) => token.kind === 'operator' && token.text === '=');
    if (assigns || !readPragmas.has(name)) return { ok: false, reason: `PRAGMA ${name.toLowerCase()} could change the database or connection; only ${[...readPragmas].join(', ').toLowerCase()} may be read.` };
    return { ok: true };
  }
  for (const [index, word] of words.entries()) {
    // replace(x, 'a', 'b') is a string function; REPLACE INTO is a write.
    if (word === 'REPLACE' && words[index + 1] === 'INTO') return { ok: false, reason: 'REPLACE is a write; this tool only reads.' };
    if (word === 'DELETE' || word === 'UPDATE') {
      const where = words.includes('WHERE') ? '' : ' without WHERE would change every row and';
      return { ok: false, reason: `${word}${where} is a write; this tool only reads.` };
    }
    if (writeKeywords.has(word)) return { ok: false, reason: `${word} is not allowed; this tool only reads.` };
    if (word === 'PRAGMA') return { ok: false, reason: 'PRAGMA is allowed only as a statement of its own.' };
  }
  const calls = statement.flatMap((token, index) => (token.kind === 'word' && statement[index + 1]?.kind === 'open' ? [token.text] : []));
  const forbidden = calls.find((name) => forbiddenFunctions.has(name));
  if (forbidden !== undefined) return { ok: false, reason: `The function ${forbidden.toLowerCase()}() is not allowed.` };
  if (first !== 'SELECT' && first !== 'WITH' && first !== 'VALUES' && first !== 'EXPLAIN') {
    return { ok: false, reason: `Only SELECT queries are allowed; this statement starts with ${first ?? statement[0]?.text}.` };
  }
  return { ok: true };
}

function splitStatements(tokens: SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'semicolon') statements.push([]);
    else statements.at(-1)!.push(token);
  }
  return statements.filter((statement) => statement.length > 0);
}
