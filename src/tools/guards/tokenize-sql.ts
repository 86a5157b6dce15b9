export type SqlTokenKind = 'word' | 'string' | 'quoted_identifier' | 'number' | 'parameter' | 'operator' | 'semicolon' | 'open' | 'close';

export interface SqlToken {
  kind: SqlTokenKind;
  /** Words are upper-cased; other tokens keep their text. */
  text: string;
}

/**
 * Split SQLite SQL into tokens, skipping comments and whitespace. String literals and
 * quoted identifiers become single tokens, so a keyword inside them ("SELECT 'drop'") is
 * never mistaken for a command. Throws on an unterminated string, identifier or comment.
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let index = 0;
  while (index < sql.length) {
    const character = sql[index]!;
    const next = sql[index + 1];
    if (/\s/.test(character)) { index += 1; continue; }
    if (character === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (character === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      if (end === -1) throw new SyntaxError('Unterminated comment');
      index = end + 2;
      continue;
    }
    if (character === "'" || character === '"' || character === '`' || character === '[') {
      const close = character === '[' ? ']' : character;
      let end = index + 1;
      let text = '';
      for (;;) {
        if (end >= sql.length) throw new SyntaxError(`Unterminated ${character === "'" ? 'string' : 'quoted identifier'}`);
        if (sql[end] === close) {
          // SQL escapes a quote by doubling it.
          if (close !== ']' && sql[end + 1] === close) { text += close; end += 2; continue; }
          break;
        }
        text += sql[end];
        end += 1;
      }
      tokens.push({ kind: character === "'" ? 'string' : 'quoted_identifier', text });
      index = end + 1;
      continue;
    }
    const word = /^[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/.exec(sql.slice(index));
    if (word) { tokens.push({ kind: 'word', text: word[0].toUpperCase() }); index += word[0].length; continue; }
    const number = /^(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)/i.exec(sql.slice(index));
    if (number) { tokens.push({ kind: 'number', text: number[0] }); index += number[0].length; continue; }
    const parameter = /^(?:\?\d*|[:@$][A-Za-z_]\w*)/.exec(sql.slice(index));
    if (parameter) { tokens.push({ kind: 'parameter', text: parameter[0] }); index += parameter[0].length; continue; }
    if (character === ';') { tokens.push({ kind: 'semicolon', text: ';' }); index += 1; continue; }
    if (character === '(') { tokens.push({ kind: 'open', text: '(' }); index += 1; continue; }
    if (character === ')') { tokens.push({ kind: 'close', text: ')' }); index += 1; continue; }
    const operator = /^(?:\|\||<<|>>|<=|>=|==|!=|<>|->>|->|[-+*/%<>=~&|.,])/.exec(sql.slice(index));
    if (operator) { tokens.push({ kind: 'operator', text: operator[0] }); index += operator[0].length; continue; }
    throw new SyntaxError(`Unexpected character "${character}"`);
  }
  return tokens;
}
