// Reads a GIFT file with the real gift-pegjs parser and prints what it parsed as JSON.
// Usage: node tests/js/parse_gift.js FILE   (exit 1 with the parser's message on a syntax error)
"use strict";
const fs = require("fs");
const { parse } = require("gift-pegjs");

const text = fs.readFileSync(process.argv[2], "utf8");
try {
  process.stdout.write(JSON.stringify(parse(text)));
} catch (error) {
  const where = error.location ? `${error.location.start.line}:${error.location.start.column}` : "?";
  process.stderr.write(`${where}: ${error.message}\n`);
  process.exit(1);
}
