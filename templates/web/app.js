/* The self-test page: choose questions, ask them one at a time, grade with makeGrader
 * (grader.js), keep progress in localStorage. Bank text is only ever set as textContent;
 * the questions' markup was rendered (escaped) when the page was built. */

function startQuizgenPage() {
  var DATA = JSON.parse(document.getElementById("quizgen-data").textContent);
  var grader = makeGrader(DATA.rules);
  window.QuizgenGrader = { grade: grader.grade, rules: DATA.rules };
  var QUESTIONS = DATA.questions;
  var FORMS = Array.prototype.slice.call(document.querySelectorAll("form.question"));
  // Leitner boxes 1..5: a new question is in box 1; a right answer moves it up a box, a
  // wrong one back to box 1; it is due again this many days after it was last answered.
  var INTERVALS = [1, 2, 4, 8, 16];
  var NO_TOPIC = "(no topic)";
  var ROUND_KEY = DATA.storage + "round:" + DATA.page;

  function $(id) { return document.getElementById(id); }
  function show(el, visible) { el.hidden = !visible; }
  function text(el, value) { el.textContent = value; }

  // ------------------------------------------------------------------ storage
  var memory = {};
  function readStore(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return memory[key] || null;
    }
  }
  function writeStore(key, value) {
    memory[key] = value;
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode or full: progress lasts until the page closes */ }
  }

  var banks = {};
  QUESTIONS.forEach(function (item) { banks[item.bank] = true; });
  var progress = {};
  Object.keys(banks).forEach(function (bank) {
    var stored = readStore(DATA.storage + bank);
    var records = stored && stored.questions ? stored.questions : {};
    // An edited question has a new hash: its old record is dropped and it starts fresh.
    QUESTIONS.forEach(function (item) {
      if (item.bank !== bank) return;
      Object.keys(records).forEach(function (key) {
        if (key.split("@")[0] === item.q.id && key !== recordKey(item)) delete records[key];
      });
    });
    progress[bank] = records;
  });
  function recordKey(item) { return item.q.id + "@" + item.hash; }
  function recordOf(index) {
    var item = QUESTIONS[index];
    return progress[item.bank][recordKey(item)] || null;
  }
  function saveBank(bank) { writeStore(DATA.storage + bank, { questions: progress[bank] }); }

  function today() { return isoDate(new Date()); }
  function isoDate(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }
  function addDays(days) {
    var date = new Date();
    date.setDate(date.getDate() + days);
    return isoDate(date);
  }
  function isDue(index) {
    var record = recordOf(index);
    return !record || record.due <= today();
  }
  function remember(index, right, before) {
    var item = QUESTIONS[index];
    var old = before || { box: 1, seen: 0, right: 0 };
    var box = right ? Math.min(old.box + 1, INTERVALS.length) : 1;
    progress[item.bank][recordKey(item)] = {
      box: box, due: addDays(INTERVALS[box - 1]), seen: old.seen + 1,
      right: old.right + (right ? 1 : 0), last: right ? "right" : "wrong"
    };
    saveBank(item.bank);
  }

  // ------------------------------------------------------------------ choosing
  function topicOf(index) { return QUESTIONS[index].topic || NO_TOPIC; }
  function unique(list) { return list.filter(function (x, i) { return list.indexOf(x) === i; }); }
  var allIndices = QUESTIONS.map(function (_, i) { return i; });
  var topics = unique(allIndices.map(topicOf));
  var tags = unique([].concat.apply([], QUESTIONS.map(function (item) { return item.tags; })));

  function addBoxes(fieldset, values, checked) {
    values.forEach(function (value) {
      var label = document.createElement("label");
      label.className = "choice";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.checked = checked;
      box.addEventListener("change", describeChoice);
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + value));
      fieldset.appendChild(label);
    });
    show(fieldset, values.length > (checked ? 1 : 0));
  }
  addBoxes($("topics"), topics, true);
  addBoxes($("tags"), tags, false);

  function ticked(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("input:checked"))
      .map(function (box) { return box.value; });
  }
  function mode() { return document.querySelector("input[name=mode]:checked").value; }

  function chosen() {
    var wantTopics = ticked($("topics")), wantTags = ticked($("tags"));
    return allIndices.filter(function (i) {
      if (wantTopics.indexOf(topicOf(i)) < 0) return false;
      if (wantTags.length && !QUESTIONS[i].tags.some(function (t) { return wantTags.indexOf(t) >= 0; })) return false;
      return mode() !== "due" || isDue(i);
    });
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function describe() {
    var answered = allIndices.filter(function (i) { return recordOf(i); }).length;
    var due = allIndices.filter(isDue).length;
    text($("summary"), plural(QUESTIONS.length, "question") + " · " + answered +
      " answered on this device · " + due + " due today");
    text($("due-label"), "Due today (" + due + "): new ones and those the schedule brings back");
    describeChoice();
    var round = savedRound();
    var resumable = round && round.pos < round.order.length;
    show($("resume-line"), !!resumable);
    if (resumable) text($("resume"), "Continue: question " + (round.pos + 1) + " of " + round.order.length);
  }
  function describeChoice() {
    var n = chosen().length;
    var none = mode() === "due" ? "Nothing chosen is due today." : "No question matches: tick another topic or tag.";
    text($("chosen"), n ? plural(n, "question") + " chosen." : none);
    $("start").disabled = n === 0;
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[name=mode]"), function (radio) {
    radio.addEventListener("change", describeChoice);
  });

  function fnv(textToHash) {
    var h = 2166136261;
    for (var i = 0; i < textToHash.length; i++) { h ^= textToHash.charCodeAt(i); h = Math.imul(h, 16777619); }
    return h >>> 0;
  }
  // The questions of this page as built: a round saved by another build is not resumed.
  var BUILD = fnv(QUESTIONS.map(recordKey).join("\n"));

  // A seeded shuffle: FNV-1a of the seed text, then mulberry32 for Fisher-Yates.
  function seededRandom(seed) {
    var h = fnv(seed);
    return function () {
      h = (h + 0x6d2b79f5) | 0;
      var t = Math.imul(h ^ (h >>> 15), 1 | h);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function shuffle(list, seed) {
    var random = seededRandom(seed), out = list.slice();
    for (var i = out.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1)), swap = out[i];
      out[i] = out[j]; out[j] = swap;
    }
    return out;
  }

  // ------------------------------------------------------------------ points
  // A question's points (1 unless the bank says), shared among its parts where it gives
  // part credit; the grader's verdict.credit is the share earned (0..1).
  function pointsText(x) { return String(Math.round(x * 100) / 100); }
  function earnedFor(index, verdict) {
    var share = verdict.credit !== undefined ? verdict.credit : (verdict.outcome === "wrong" ? 0 : 1);
    return share * QUESTIONS[index].points;
  }
  function partText(index, verdict) {
    var item = QUESTIONS[index];
    if (!item.parts || verdict.credit === undefined) return "";
    var right = Math.round(verdict.credit * item.parts[0]);
    return right + " of " + item.parts[0] + " " + item.parts[1] + ": " +
      pointsText(earnedFor(index, verdict)) + "/" + pointsText(item.points) + " points";
  }

  // ------------------------------------------------------------------ a round
  // {order: [question index], pos, results: {index: true|false}, earned: {index: points}}
  var round = null;
  var before = {};    // question index -> its record before this round's answer (for "I was right")

  function saveRound() { writeStore(ROUND_KEY, round); }
  function savedRound() {
    var saved = readStore(ROUND_KEY);
    return saved && saved.build === BUILD && saved.order ? saved : null;
  }

  function begin(order) {
    round = { order: order, pos: 0, results: {}, earned: {}, build: BUILD };
    before = {};
    saveRound();
    screen("run");
    ask();
  }

  function screen(name) {
    ["setup", "run", "end"].forEach(function (id) { show($(id), id === name); });
  }

  function resetForm(form) {
    form.reset();
    form.classList.remove("checked");
    Array.prototype.forEach.call(form.querySelectorAll("input, select"), function (el) {
      el.disabled = false;
      el.removeAttribute("aria-invalid");
    });
    var list = form.querySelector("ol.order");
    if (list) {
      var items = Array.prototype.slice.call(list.children);
      items.sort(function (a, b) {
        var x = a.dataset.letter, y = b.dataset.letter;
        return x.length - y.length || (x < y ? -1 : 1);
      });
      items.forEach(function (li) { list.appendChild(li); });
      Array.prototype.forEach.call(list.querySelectorAll("button"), function (b) { b.disabled = false; });
    }
    show(form.querySelector(".feedback"), false);
    show(form.querySelector(".check").parentNode, true);
  }

  function ask() {
    var index = round.order[round.pos];
    FORMS.forEach(function (form, i) { if (i !== index) show(form, false); });
    var form = FORMS[index];
    resetForm(form);
    show($("after-check"), false);
    var record = recordOf(index);
    var last = form.querySelector(".last");
    show(last, !!record);
    if (record) text(last, " · last time: " + record.last);
    text($("counter"), "Question " + (round.pos + 1) + " of " + round.order.length);
    show(form, true);
    var heading = form.querySelector(".prompt");
    heading.tabIndex = -1;
    heading.focus();
  }

  function responses(form) {
    var type = form.dataset.type;
    function values(selector) {
      return Array.prototype.map.call(form.querySelectorAll(selector), function (el) { return el.value; });
    }
    if (type === "multiple_answer") return [values("input:checked").join(" ")];
    if (type === "multiple_choice" || type === "true_false") return [values("input:checked")[0] || ""];
    if (type === "cloze") return values("input.gap");
    if (type === "matching") return values("select.match");
    if (type === "ordering") {
      return [Array.prototype.map.call(form.querySelectorAll("ol.order > li"), function (li) {
        return li.dataset.letter;
      }).join(" ")];
    }
    return values("input.line");
  }

  function verdictText(index, verdict) {
    if (verdict.outcome === "right") return "Right.";
    if (verdict.outcome === "typo") return "Right, but mind the spelling: " + verdict.spelling + ".";
    var part = partText(index, verdict);
    if (part) return "Not quite: " + part + ".";
    var parts = verdict.parts || [];
    var good = parts.filter(function (p) { return p.outcome !== "wrong"; }).length;
    return parts.length > 1 ? "Not quite: " + good + " of " + parts.length + " right." : "Not quite.";
  }

  function check(form) {
    if (form.classList.contains("checked")) return;
    var index = Number(form.dataset.index);
    var verdict = grader.grade(QUESTIONS[index].q, responses(form));
    var right = verdict.outcome !== "wrong";
    form.classList.add("checked");
    var partInputs = form.querySelectorAll("input.gap, select.match");
    (verdict.parts || []).forEach(function (part, i) {
      if (part.outcome === "wrong" && partInputs[i]) partInputs[i].setAttribute("aria-invalid", "true");
    });
    Array.prototype.forEach.call(form.querySelectorAll("input, select, ol.order button"), function (el) {
      el.disabled = true;
    });
    before[index] = recordOf(index);
    remember(index, right, before[index]);
    round.results[index] = right;
    round.earned[index] = earnedFor(index, verdict);
    saveRound();
    text(form.querySelector(".verdict"), verdictText(index, verdict));
    form.querySelector(".verdict").className = "verdict " + (right ? "good" : "bad");
    show($("override"), !right);
    show(form.querySelector(".check").parentNode, false);
    var feedback = form.querySelector(".feedback");
    feedback.appendChild($("after-check"));
    show($("after-check"), true);
    show(feedback, true);
    $("next").focus();
  }

  function override(form) {
    var index = Number(form.dataset.index);
    remember(index, true, before[index]);
    round.results[index] = true;
    round.earned[index] = QUESTIONS[index].points;
    saveRound();
    text(form.querySelector(".verdict"), "Counted as right, on your word.");
    form.querySelector(".verdict").className = "verdict good";
    show($("override"), false);
    $("next").focus();
  }

  function next() {
    round.pos += 1;
    saveRound();
    if (round.pos >= round.order.length) finish();
    else ask();
  }

  // Whether a score counts points: some question is worth other than one, or gives part credit.
  function scoredByPoints(indices) {
    return indices.some(function (i) { return QUESTIONS[i].points !== 1 || QUESTIONS[i].parts; });
  }
  // Questions right of those answered ("5/9"), or by points, the points earned of those
  // possible ("7.5/10 points (75%)").
  function scoreText(indices, byPoints) {
    var right = indices.filter(function (i) { return round.results[i]; }).length;
    if (!byPoints) return right + "/" + indices.length;
    var earned = 0, possible = 0;
    indices.forEach(function (i) {
      var got = round.earned && i in round.earned ? round.earned[i] : (round.results[i] ? QUESTIONS[i].points : 0);
      earned += got;
      possible += QUESTIONS[i].points;
    });
    var share = possible ? Math.floor(100 * earned / possible + 0.5) : 0;
    return pointsText(earned) + "/" + pointsText(possible) + " points (" + share + "%)";
  }

  function finish() {
    var answered = round.order.filter(function (i) { return i in round.results; });
    var right = answered.filter(function (i) { return round.results[i]; });
    var byPoints = scoredByPoints(answered);
    text($("score"), scoreText(answered, byPoints));
    // By points, how many questions were wholly right goes below, in smaller type.
    text($("score-detail"), right.length + " of " + plural(answered.length, "question") + " right");
    show($("score-detail"), byPoints);
    var body = $("by-topic").querySelector("tbody");
    while (body.firstChild) body.removeChild(body.firstChild);
    unique(answered.map(topicOf)).forEach(function (topic) {
      var mine = answered.filter(function (i) { return topicOf(i) === topic; });
      var row = document.createElement("tr");
      var name = document.createElement("th");
      name.scope = "row";
      text(name, topic);
      var score = document.createElement("td");
      text(score, scoreText(mine, byPoints));
      row.appendChild(name);
      row.appendChild(score);
      body.appendChild(row);
    });
    show($("by-topic"), answered.length > 0);
    var missed = answered.filter(function (i) { return !round.results[i]; });
    show($("missed"), missed.length > 0);
    $("missed").onclick = function () { begin(missed); };
    round.pos = round.order.length;
    writeStore(ROUND_KEY, null);
    screen("end");
    $("end-heading").tabIndex = -1;
    $("end-heading").focus();
  }

  function moveItem(button) {
    var li = button.closest("li"), list = li.parentNode;
    if (button.classList.contains("up") && li.previousElementSibling) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (button.classList.contains("down") && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    }
    button.focus();
    var position = Array.prototype.indexOf.call(list.children, li) + 1;
    var live = list.parentNode.querySelector("[aria-live]");
    text(live, li.querySelector(".item").textContent + ": now " + position + " of " + list.children.length + ".");
  }

  // ------------------------------------------------------------------ wiring
  FORMS.forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); check(form); });
    Array.prototype.forEach.call(form.querySelectorAll("ol.order button"), function (button) {
      button.addEventListener("click", function () { moveItem(button); });
    });
  });

  $("seed").value = DATA.seed;
  $("start").addEventListener("click", function () {
    var order = chosen();
    if ($("shuffle").checked) {
      var seed = $("seed").value.trim() || String(Math.random()).slice(2);
      order = shuffle(order, seed);
    }
    if (order.length) begin(order);
  });
  $("resume").addEventListener("click", function () {
    round = savedRound();
    round.earned = round.earned || {};
    before = {};
    if (round.order[round.pos] in round.results) round.pos += 1;  // checked before the reload
    if (round.pos >= round.order.length) { finish(); return; }
    screen("run");
    ask();
  });
  $("reset").addEventListener("click", function () {
    if (!window.confirm("Reset your progress on these questions? What you answered and when each is due will be forgotten on this device.")) return;
    Object.keys(banks).forEach(function (bank) { progress[bank] = {}; saveBank(bank); });
    writeStore(ROUND_KEY, null);
    describe();
    text($("setup-status"), "Progress reset.");
  });
  $("stop").addEventListener("click", finish);
  $("next").addEventListener("click", next);
  $("override").addEventListener("click", function () { override(FORMS[round.order[round.pos]]); });
  $("again").addEventListener("click", function () {
    screen("setup");
    describe();
    $("setup-heading").tabIndex = -1;
    $("setup-heading").focus();
  });

  describe();
  screen("setup");
}
