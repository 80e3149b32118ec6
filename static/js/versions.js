/* The console's "Versions of the plan" card: list, publish, compare (docs/workplan.md). */
(function () {
  "use strict";

  var A = window.Atelier;
  var card = A.byId("plan-versions");
  if (!card) return;
  var conf = JSON.parse(A.byId("versions-config").textContent);
  var s = conf.strings;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var message = A.byId("versions-msg");
  var fromSelect = A.byId("compare-from");
  var toSelect = A.byId("compare-to");
  var versions = [];

  function label(v) {
    var name = v.room_plan ? s.room_plan : v.title;
    return A.fmt(s.version, { number: v.number }) + " · " + name;
  }

  function option(value, text, selected) {
    var node = A.el("option", { value: String(value) }, [text]);
    node.selected = !!selected;
    return node;
  }

  function fillSelect(select, chosen) {
    select.replaceChildren();
    versions.forEach(function (v) {
      select.appendChild(option(v.number, label(v), String(v.number) === chosen));
    });
    select.appendChild(option(conf.current, s.current, chosen === conf.current));
  }

  function links() {
    var query = "?from=" + encodeURIComponent(fromSelect.value) + "&to=" + encodeURIComponent(toSelect.value);
    A.byId("changes-csv").href = base + "/export/changes.csv" + query;
    A.byId("changes-xlsx").href = base + "/export/changes.xlsx" + query;
  }

  function render() {
    var body = A.byId("versions");
    body.replaceChildren();
    versions.forEach(function (v) {
      body.appendChild(A.el("tr", {}, [
        A.el("td", {}, [A.fmt(s.version, { number: v.number })]),
        A.el("td", { dir: "auto" }, [v.room_plan ? s.room_plan : v.title]),
        A.el("td", {}, [new Date(v.published_at).toLocaleString(document.documentElement.lang)]),
        A.el("td", { class: "num" }, [String(v.activities)]),
        A.el("td", { class: "num" }, [String(v.commitments)]),
      ]));
    });
    var none = versions.length === 0;
    A.byId("versions-empty").hidden = !none;
    A.byId("versions-table").hidden = none;
    Array.prototype.forEach.call(card.querySelectorAll("form button, form select, form input"), function (node) {
      node.disabled = none;
    });
    var previous = versions.length > 1 ? versions[versions.length - 2] : versions[0];
    fillSelect(fromSelect, previous ? String(previous.number) : "");
    var last = versions[versions.length - 1];
    fillSelect(toSelect, versions.length > 1 ? String(last.number) : conf.current);
    links();
  }

  function load() {
    A.api("GET", base + "/plan/versions").then(function (r) {
      if (!r || !Array.isArray(r.versions)) return;
      versions = r.versions;
      render();
    });
  }

  function describe(what, record, titles) {
    var id = what === "activities" ? record.id : record.activity_id;
    var title = titles[id] || "";
    if (what === "activities") return title;
    return record.organisation + " · " + title;
  }

  function showComparison(r) {
    var box = A.byId("compare-result");
    box.replaceChildren();
    var titles = {};
    r.titles.forEach(function (t) { titles[t.activity_id] = t.title; });
    box.appendChild(A.el("p", { class: "compare-count" }, [r.count ? A.fmt(s.count, { count: r.count }) : s.no_change]));
    ["activities", "commitments"].forEach(function (what) {
      var part = r.changes[what];
      var items = [];
      ["added", "removed"].forEach(function (kind) {
        part[kind].forEach(function (record) {
          items.push(A.el("li", { class: "change change-" + kind }, [
            A.el("span", { class: "change-kind" }, [s[kind]]), " ",
            A.el("span", { dir: "auto" }, [describe(what, record, titles)]),
          ]));
        });
      });
      part.changed.forEach(function (change) {
        var details = change.fields.map(function (f) {
          var words = s.values[f.field] || {};
          return A.fmt(s.field_change, {
            field: s.fields[f.field] || f.field,
            before: words[f.before] || f.before,
            after: words[f.after] || f.after,
          });
        }).join(" ; ");
        items.push(A.el("li", { class: "change change-changed" }, [
          A.el("span", { class: "change-kind" }, [s.changed]), " ",
          A.el("span", { dir: "auto" }, [describe(what, change.after, titles)]), " — ",
          A.el("span", { dir: "auto" }, [details]),
        ]));
      });
      if (!items.length) return;
      box.appendChild(A.el("h4", {}, [s[what]]));
      box.appendChild(A.el("ul", { class: "changes" }, items));
    });
  }

  A.byId("version-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = A.byId("version-title");
    A.api("POST", base + "/plan/versions", { title: input.value }).then(function (r) {
      if (r && r.ok) {
        input.value = "";
        A.notify(message, A.fmt(s.published, { number: r.version.number }), "ok");
        load();
      } else A.notify(message, (r && r.message) || A.t.error_generic, "error");
    });
  });

  A.byId("compare-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = "?from=" + encodeURIComponent(fromSelect.value) + "&to=" + encodeURIComponent(toSelect.value);
    A.api("GET", base + "/plan/compare" + query).then(function (r) {
      if (r && r.changes) showComparison(r);
      else A.notify(message, (r && r.message) || A.t.error_generic, "error");
    });
  });
  fromSelect.addEventListener("change", links);
  toSelect.addEventListener("change", links);

  var phase = null;
  A.extend.consoleRender.push(function (state) {
    if (state.phase !== phase) {
      phase = state.phase; // closing writes version 1: read the list again
      load();
    }
  });
})();
