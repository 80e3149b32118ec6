/* The console's words in the room's languages: group and track names, activity titles and
   descriptions in French, Arabic and English. Each phone and the big screen show the wording
   of their language, else the original; the server keeps and checks them (services/wording.py). */
(function () {
  "use strict";

  var A = window.Atelier;
  var W = A.t.wording;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var card = A.byId("wordings-card");
  if (!card) return;
  var message = A.byId("wordings-msg");
  var languages = W.languages.map(function (pair) { return pair[0]; });
  var languageNames = {};
  W.languages.forEach(function (pair) { languageNames[pair[0]] = pair[1]; });
  var drawnNames = null; // what the names table shows, to leave it alone while it holds
  var state = null;

  function report(response, okText) {
    if (response && response.ok) A.notify(message, okText, "ok");
    else A.notify(message, (response && response.message) || A.t.error_generic, "error");
    return response;
  }

  function typing() {
    return card.contains(document.activeElement) && /^(INPUT|TEXTAREA)$/.test(document.activeElement.tagName);
  }

  /** One row per group and track: its original, then an input per language, saved on change. */
  function renderNames() {
    var rows = state.groups.map(function (g) { return ["groups", g.group_id, W.group, g]; })
      .concat(state.tracks.map(function (tr) { return ["tracks", tr.id, W.track, tr]; }));
    var drawn = JSON.stringify(rows);
    if (drawn === drawnNames || typing()) return;
    drawnNames = drawn;
    var body = A.byId("wording-names");
    body.textContent = "";
    rows.forEach(function (row) {
      var kind = row[0], id = row[1], record = row[3];
      var tr = el("tr", { "data-kind": kind, "data-id": String(id) }, [
        el("th", { scope: "row" }, [el("small", { text: row[2] }), el("span", { dir: "auto", className: "wording-original", text: record.name })]),
      ]);
      languages.forEach(function (lang) {
        var input = el("input", { lang: lang, dir: "auto", maxlength: String(A.limits.name_max || 80), value: record["name_" + lang] || "",
          "aria-label": record.name + " · " + languageNames[lang], className: "wording-input" });
        input.addEventListener("change", function () {
          var body = {};
          body["name_" + lang] = input.value;
          A.api("PATCH", base + "/" + kind + "/" + id, body).then(function (r) { report(r, W.saved); });
        });
        tr.appendChild(el("td", {}, [input]));
      });
      body.appendChild(tr);
    });
  }

  var picker = A.byId("wording-activity");
  var fields = A.byId("wording-fields");

  function activity(id) {
    return state.activities.filter(function (a) { return a.id === id; })[0] || null;
  }

  function renderPicker() {
    if (typing() || document.activeElement === picker) return;
    var chosen = Number(picker.value) || null;
    var options = [el("option", { value: "", text: state.activities.length ? W.pick : W.none })];
    state.activities.forEach(function (a) {
      options.push(el("option", { value: String(a.id), dir: "auto", text: "#" + a.id + " " + a.title }));
    });
    picker.textContent = "";
    options.forEach(function (option) { picker.appendChild(option); });
    picker.value = chosen && activity(chosen) ? String(chosen) : "";
    A.followText(picker);
    fill();
  }

  /** The chosen activity's original, and its wording in each language, to edit. */
  function fill() {
    var a = activity(Number(picker.value));
    fields.hidden = !a;
    if (!a) return;
    A.byId("wording-activity-original").textContent = a.title;
    languages.forEach(function (lang) {
      A.byId("wording-title-" + lang).value = a["title_" + lang] || "";
      A.byId("wording-description-" + lang).value = a["description_" + lang] || "";
    });
  }

  picker.addEventListener("change", fill);
  A.byId("wording-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var id = Number(picker.value);
    if (!id) return;
    var body = {};
    languages.forEach(function (lang) {
      body["title_" + lang] = A.byId("wording-title-" + lang).value;
      body["description_" + lang] = A.byId("wording-description-" + lang).value;
    });
    A.api("PATCH", base + "/activities/" + id, body).then(function (r) { report(r, W.saved); });
  });

  A.extend.consoleRender.push(function (snapshot) {
    state = snapshot;
    renderNames();
    renderPicker();
  });

  /** Under each title in the activities table, its wordings, each marked with its language. */
  A.extend.consoleRow.push(function (tr, a) {
    var cell = tr.querySelector(".col-title");
    if (!cell) return;
    languages.forEach(function (lang) {
      if (a["title_" + lang]) {
        cell.appendChild(el("small", { className: "wording-line", lang: lang, dir: "auto" }, [
          el("abbr", { title: languageNames[lang], text: lang.toUpperCase() }), " " + a["title_" + lang],
        ]));
      }
    });
  });
})();
