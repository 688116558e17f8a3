/* quizgen's grader, ported from quizgen/study (text_match.py, numbers.py, grading.py).
 * It reads the rules the Python grader exports (quizgen/study/grading_vectors.json) and
 * the Unicode tables of the Python that built the page, and is tested in Chromium
 * against every conformance vector: keep it in step with the Python, rule for rule.
 * Strings are walked by code point (Array.from), as Python indexes them. */
"use strict";

function makeGrader(rules) {
  // Python's str.isspace(), \s in its regular expressions, and str.split()/strip().
  var WS = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var WS_RUN = new RegExp("[" + WS + "]+", "g");
  var TRIM = new RegExp("^[" + WS + "]+|[" + WS + "]+$", "g");
  var COMBINING = new RegExp("[" + rules.combining + "]", "gu");
  var PUNCT = /\p{P}/gu;
  var ALNUM = /[\p{L}\p{N}]/u;
  var DIGIT = /\p{Nd}/u;
  var DIGIT_RUN = /\p{Nd}+/gu;
  var casefoldTable = rules.casefold;
  var TRUE_WORDS = rules.true_words;
  var FALSE_WORDS = rules.false_words;

  function chars(text) { return Array.from(text); }
  function strip(text) { return text.replace(TRIM, ""); }
  function isDigit(ch) { return DIGIT.test(ch); }
  function allDigits(text) { return text !== "" && chars(text).every(isDigit); }
  function escapeClass(text) { return text.replace(/[\\\]\[^-]/g, "\\$&"); }

  function casefold(text) {
    return chars(text).map(function (ch) {
      return Object.prototype.hasOwnProperty.call(casefoldTable, ch) ? casefoldTable[ch] : ch.toLowerCase();
    }).join("");
  }

  // ------------------------------------------------------------------ text_match.py
  function normalize(text, caseSensitive) {
    text = text.normalize("NFKC");
    if (!caseSensitive) text = casefold(text);
    text = text.normalize("NFD").replace(COMBINING, "").normalize("NFC");
    var without = text.replace(PUNCT, "");
    if (strip(without) !== "") text = without;
    return strip(text.replace(WS_RUN, " "));
  }

  function osaDistance(a, b, limit) {
    a = chars(a); b = chars(b);
    var la = a.length, lb = b.length, i, j;
    if (a.join("") === b.join("")) return 0;
    if (limit !== null && Math.abs(la - lb) > limit) return limit + 1;
    if (!la) return lb;
    if (!lb) return la;
    var far = limit === null ? la + lb : limit + 1;
    var band = limit === null ? far : limit;
    var previous2 = [], previous = [], current;
    for (j = 0; j <= lb; j++) previous.push(j <= band ? j : far);
    for (i = 1; i <= la; i++) {
      current = [i <= band ? i : far];
      for (j = 1; j <= lb; j++) current.push(far);
      for (j = Math.max(1, i - band); j <= Math.min(lb, i + band); j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, previous2[j - 2] + 1);
        }
        current[j] = Math.min(best, far);
      }
      if (limit !== null && Math.min.apply(null, current) > limit) return limit + 1;
      previous2 = previous; previous = current;
    }
    return limit === null ? previous[lb] : Math.min(previous[lb], limit + 1);
  }

  function allowedTypos(answer) {
    var letters = chars(answer).filter(function (ch) { return ALNUM.test(ch); }).length;
    for (var k = 0; k < rules.typo_budget.length; k++) {
      if (letters <= rules.typo_budget[k][0]) return rules.typo_budget[k][1];
    }
    return rules.max_typos;
  }

  function digitRuns(text) { return (text.normalize("NFKC").match(DIGIT_RUN) || []).join("|"); }

  function gradeText(response, accepted, caseSensitive) {
    var canonical = accepted.length ? accepted[0] : "";
    var said = normalize(response, caseSensitive);
    if (!said) return { outcome: "wrong", canonical: canonical };
    var forms = accepted.map(function (answer) { return [answer, normalize(answer, caseSensitive)]; });
    if (forms.some(function (f) { return f[1] === said; })) return { outcome: "right", canonical: canonical };
    var best = null;
    forms.forEach(function (f) {
      var allowed = allowedTypos(f[1]);
      if (!allowed || digitRuns(f[1]) !== digitRuns(said)) return;
      if (caseSensitive && casefold(said) === casefold(f[1])) return;
      var distance = osaDistance(said, f[1], allowed);
      if (distance <= allowed && (best === null || distance < best[0])) best = [distance, f[0]];
    });
    if (best !== null) return { outcome: "typo", canonical: canonical, spelling: best[1] };
    return { outcome: "wrong", canonical: canonical };
  }

  // ------------------------------------------------------------------ numbers.py
  var MINUS = rules.minus_signs;
  var SIGNS = escapeClass("+-" + MINUS);
  var GROUPS = rules.group_separators;
  var NUMBER = new RegExp(
    "^[" + WS + "]*" +
    "([^\\p{Nd}" + WS + "." + SIGNS + "]{0,3}?)[" + WS + "]*" +
    "([" + SIGNS + "]?)[" + WS + "]*" +
    "([^\\p{Nd}" + WS + "." + SIGNS + "]{0,3}?)[" + WS + "]*" +
    "((?:\\p{Nd}[\\p{Nd}" + escapeClass(GROUPS) + "]*(?:[.,]\\p{Nd}+)?|[.,]\\p{Nd}+)(?:[eE][+\\-]?\\p{Nd}+)?)" +
    "[" + WS + "]*([^\\n]*?)[" + WS + "]*$", "u");
  var UNIT_NUMBER = new RegExp("^[.,]?\\p{Nd}|(^|[" + WS + "])[+\\-]?\\p{Nd}", "u");
  var EXPONENT = /[eE][+\-]?\p{Nd}+$/u;
  var APPROXIMATE = new RegExp(
    "^[" + WS + "]*(?:" + rules.approximate_words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|") + ")(?:[" + WS + "]+|(?<=\\.))", "iu");

  function asciiDigits(text) {
    // Decimal digits come in runs of ten, zero first: a digit's value is its place in its run.
    return chars(text).map(function (ch) {
      if (!isDigit(ch) || (ch >= "0" && ch <= "9")) return ch;
      var code = ch.codePointAt(0), steps = 0;
      while (isDigit(String.fromCodePoint(code - steps - 1))) steps++;
      return String(steps % 10);
    }).join("");
  }

  function toFloat(text) { return Number(asciiDigits(text)); }
  function digitsOnly(text) { return chars(text).filter(isDigit).join(""); }

  function validGroups(integer) {
    if (integer === "" || allDigits(integer)) return true;
    var seps = {};
    chars(integer).forEach(function (ch) { if (!isDigit(ch)) seps[ch] = true; });
    var keys = Object.keys(seps);
    if (keys.length !== 1) return false;
    var groups = integer.split(keys[0]);
    if (!allDigits(groups[0]) || chars(groups[0]).length > 3) return false;
    return groups.slice(1).every(function (g) { return chars(g).length === 3 && allDigits(g); });
  }

  function parseMantissa(text) {
    text = strip(text);
    var exponent = "";
    var m = EXPONENT.exec(text);
    if (m) { exponent = m[0]; text = text.slice(0, m.index); }
    if (!text) return null;
    if (allDigits(text)) return toFloat(text + exponent);
    var last = text.lastIndexOf(".");
    if (last >= 0) {
      var integer = text.slice(0, last), fraction = text.slice(last + 1);
      if (integer.indexOf(".") >= 0 || !allDigits(fraction)) return null;
      if (!validGroups(integer)) return null;
      return toFloat(digitsOnly(integer) + "." + fraction + exponent);
    }
    if (validGroups(text)) return toFloat(digitsOnly(text) + exponent);
    if (text.split(",").length === 2 && /^\p{Nd}+,\p{Nd}+$/u.test(text)) {
      var halves = text.split(",");
      return toFloat(halves[0] + "." + halves[1] + exponent);
    }
    return null;
  }

  function rstripChars(text, set) {
    var list = chars(text);
    while (list.length && set.indexOf(list[list.length - 1]) >= 0) list.pop();
    return list.join("");
  }

  function parseNumber(text) {
    var read = readNumber(text);
    return read === null ? null : read.value;
  }

  function readNumber(text) {
    text = strip(text.normalize("NFKC")).replace(APPROXIMATE, "");
    var m = NUMBER.exec(text);
    if (!m || !chars(m[4]).some(isDigit)) return null;
    var prefix = m[1], sign = m[2], prefix2 = m[3], unit = m[5];
    if (unit && UNIT_NUMBER.test(unit)) return null;
    if (prefix && prefix2) return null;
    if ([prefix, prefix2].some(function (p) { return p && ALNUM.test(p); })) return null;
    var value = parseMantissa(rstripChars(m[4], GROUPS));
    if (value === null || !isFinite(value)) return null;
    return { value: sign && MINUS.indexOf(sign) >= 0 ? -value : value, unit: unit || "" };
  }

  function unitWord(text) { return casefold(text).replace(new RegExp("[" + WS + ".]+", "g"), ""); }

  function unitMatches(typed, unit) {
    if (!/\p{L}/u.test(typed)) return true;
    var a = unitWord(typed), b = unitWord(unit);
    var trim = function (w) { return w.replace(/s+$/, ""); };
    return a === b || trim(a) === trim(b) || b.indexOf(a) === 0 || a.indexOf(b) === 0;
  }

  function accepts(q, value) {
    return Math.abs(value - q.answer) <= q.tolerance + 1e-9 * Math.max(1, Math.abs(q.answer));
  }

  // ------------------------------------------------------------------ grading.py
  function parseTrueFalse(text) {
    var word = normalize(text, false);
    if (TRUE_WORDS.indexOf(word) >= 0) return true;
    if (FALSE_WORDS.indexOf(word) >= 0) return false;
    return null;
  }

  function letterIndex(text, count) {
    var word = rstripChars(casefold(strip(text)), ").");
    if (!/^[a-z]+$/.test(word)) return null;
    var index = 0;
    for (var k = 0; k < word.length; k++) index = index * 26 + (word.charCodeAt(k) - 96);
    index -= 1;
    return index < count ? index : null;
  }

  function resolveChoice(text, shown) {
    var position = letterIndex(text, shown.length);
    if (position !== null) return position;
    var said = normalize(text, false);
    if (!said) return null;
    for (var i = 0; i < shown.length; i++) if (said === normalize(shown[i], false)) return i;
    var close = [];
    shown.forEach(function (choice, k) { if (gradeText(text, [choice], false).outcome !== "wrong") close.push(k); });
    if (close.length === 1) return close[0];
    if (chars(said).length >= 3) {
      var starts = [];
      shown.forEach(function (choice, k) {
        if ((normalize(choice, false) + " ").indexOf(said + " ") === 0) starts.push(k);
      });
      if (starts.length === 1) return starts[0];
    }
    return null;
  }

  var SEPARATORS = new RegExp("[" + WS + ",;/]+");

  function allFound(list) { return list.every(function (p) { return p !== null; }); }

  function parseLetters(text, shown) {
    var stripped = strip(text);
    if (!stripped) return null;
    var tokens = stripped.split(SEPARATORS).filter(function (t) { return t; });
    var positions = tokens.map(function (t) { return letterIndex(t, shown.length); });
    if (allFound(positions)) return positions;
    if (tokens.length === 1 && shown.length <= 26) {
      var singles = chars(tokens[0]).map(function (ch) { return letterIndex(ch, shown.length); });
      if (allFound(singles)) return singles;
    }
    var byText = stripped.split(/[,;]/).filter(function (part) { return strip(part); })
      .map(function (part) { return resolveChoice(part, shown); });
    if (byText.length && allFound(byText)) return byText;
    return null;
  }

  function shownOrder(q) {
    if (q.shown) return q.shown;
    var count = (q.choices || q.pairs || q.items || []).length;
    var order = [];
    for (var i = 0; i < count; i++) order.push(i);
    return order;
  }

  function shownItems(q, order) {
    var texts = q.choices || (q.pairs && q.pairs.map(function (p) { return p[1]; })) || q.items || [];
    return order.map(function (i) { return texts[i]; });
  }

  function rightIndices(q) {
    if (q.type === "multiple_choice") return [q.choices.indexOf(q.answer)];
    var out = [];
    q.choices.forEach(function (c, i) { if (q.answers.indexOf(c) >= 0) out.push(i); });
    return out;
  }

  function combine(parts) {
    var outcome = "wrong";
    if (parts.every(function (p) { return p.outcome === "right"; })) outcome = "right";
    else if (parts.every(function (p) { return p.outcome !== "wrong"; })) outcome = "typo";
    return { outcome: outcome, parts: parts };
  }

  function sameList(a, b) {
    return a.length === b.length && a.every(function (x, i) { return x === b[i]; });
  }

  var graders = {
    true_false: function (q, said) {
      return { outcome: parseTrueFalse(said[0]) === q.answer ? "right" : "wrong" };
    },
    multiple_choice: function (q, said, order) {
      var position = resolveChoice(said[0], shownItems(q, order));
      var ok = position !== null && order[position] === rightIndices(q)[0];
      return { outcome: ok ? "right" : "wrong" };
    },
    multiple_answer: function (q, said, order) {
      var chosen = parseLetters(said[0], shownItems(q, order)) || [];
      var right = rightIndices(q);
      var expected = [];
      order.forEach(function (i, p) { if (right.indexOf(i) >= 0) expected.push(p); });
      var unique = chosen.filter(function (p, k) { return chosen.indexOf(p) === k; });
      unique.sort(function (x, y) { return x - y; });
      return { outcome: sameList(unique, expected) ? "right" : "wrong" };
    },
    short_answer: function (q, said) {
      var v = gradeText(said[0], q.answers, q.case_sensitive);
      return v.outcome === "typo" ? { outcome: "typo", spelling: v.spelling } : { outcome: v.outcome };
    },
    numeric: function (q, said) {
      var read = readNumber(said[0]);
      if (read !== null && q.unit && !unitMatches(read.unit, q.unit)) return { outcome: "wrong" };
      return { outcome: read !== null && accepts(q, read.value) ? "right" : "wrong" };
    },
    cloze: function (q, said) {
      var parts = q.deletions.map(function (d, n) {
        var v = gradeText(said[n], [d.answer], false);
        var part = { outcome: v.outcome, canonical: "[" + (n + 1) + "] " + d.answer };
        if (v.spelling !== undefined) part.spelling = v.spelling;
        return part;
      });
      var verdict = combine(parts);
      if (verdict.outcome === "typo") {
        verdict.spelling = parts.filter(function (p) { return p.outcome === "typo"; })
          .map(function (p) { return p.canonical; }).join("; ");
      }
      return verdict;
    },
    matching: function (q, said, order) {
      var shown = shownItems(q, order);
      return combine(q.pairs.map(function (pair, i) {
        var position = resolveChoice(said[i], shown);
        return { outcome: position !== null && order[position] === i ? "right" : "wrong" };
      }));
    },
    ordering: function (q, said, order) {
      var got = parseLetters(said[0], shownItems(q, order));
      var ok = got !== null && sameList(got.map(function (p) { return order[p]; }),
        q.items.map(function (_, i) { return i; }));
      return { outcome: ok ? "right" : "wrong" };
    }
  };

  // The share of a part-credit question's points its responses earn: parts right over
  // parts (quizgen/questions.py part_credit, grading.py part_share).
  function partShare(q, said, order, verdict) {
    if (q.type === "cloze" || q.type === "matching") {
      var parts = verdict.parts || [];
      var right = parts.filter(function (p) { return p.outcome !== "wrong"; }).length;
      return parts.length ? right / parts.length : 0;
    }
    if (q.type === "ordering") {
      var got = parseLetters(said[0], shownItems(q, order)) || [];
      if (got.length > q.items.length) return 0;
      var placed = got.filter(function (p, k) { return order[p] === k; }).length;
      return placed / q.items.length;
    }
    if (q.type === "multiple_answer") {
      var chosen = parseLetters(said[0], shownItems(q, order)) || [];
      var rights = rightIndices(q);
      var good = order.filter(function (i, p) {
        return (chosen.indexOf(p) >= 0) === (rights.indexOf(i) >= 0);
      }).length;
      return good / order.length;
    }
    return verdict.outcome === "wrong" ? 0 : 1;
  }

  function responseCount(q) {
    if (q.type === "cloze") return q.deletions.length;
    if (q.type === "matching") return q.pairs.length;
    return 1;
  }

  /* Grade a question's responses (one line per cloze gap or matching item, else one):
   * {outcome: "right" | "typo" | "wrong", spelling?, parts?: [{outcome, spelling?}],
   *  credit?: the share of the points earned (0..1), for a question with part credit}. */
  function grade(q, responses) {
    var said = responses.slice();
    while (said.length < responseCount(q)) said.push("");
    var grader = graders[q.type];
    if (!grader) return { outcome: "wrong" };
    var order = shownOrder(q);
    var verdict = grader(q, said, order);
    if (q.partial) verdict.credit = partShare(q, said, order, verdict);
    return verdict;
  }

  return { grade: grade, normalize: normalize, parseNumber: parseNumber, letterIndex: letterIndex };
}
