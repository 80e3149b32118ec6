/* Console: the organisation directory card. Import, copy, add and edit organisations; map the
   names typed at join onto them (merge) and undo. Loaded before console.js; the snapshot comes
   through the consoleRender hook (groups, and when to read GET /organisations again). */
(function () {
  "use strict";

  var A = window.Atelier;
  var T = A.t.organisations;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code) + "/organisations";
  var data = null; // the last answer of GET /organisations
  var groups = [];
  var snapshot = null;
  var seen = null;
  var soon = null;
  var last = 0;
  var message = A.byId("directory-msg");
  var errors = A.byId("directory-errors");
  var form = A.byId("directory-form");
  var FIELDS = ["acronym", "name_fr", "name_ar", "name_en"];

  function field(name) { return A.byId("org-" + name.replace("_", "-")); }

  function label(org) { return org.acronym || org.name_fr || org.name_ar || org.name_en; }

  function groupName(id) { return id && snapshot ? A.groupName(snapshot, id, "") : ""; }

  function say(answer, text) {
    errors.hidden = true;
    errors.textContent = "";
    if (answer.ok === false) {
      A.notify(message, answer.message || A.t.error_generic, "error", 12000);
      (answer.rows || []).forEach(function (row) {
        errors.appendChild(el("li", { dir: "auto", text: A.fmt(T.import_rows, { line: row.line, message: row.message }) }));
      });
      errors.hidden = !errors.children.length;
      return false;
    }
    if (text) A.notify(message, text, "ok");
    return true;
  }

  function refresh() {
    A.api("GET", base).then(function (answer) {
      if (answer.organisations) { data = answer; render(); }
    });
  }

  function refreshSoon() {
    if (soon) return;
    var wait = Math.max(0, last + 2000 - Date.now());
    soon = setTimeout(function () { soon = null; last = Date.now(); refresh(); }, wait);
  }

  function fillGroups() {
    var select = A.byId("org-group");
    var chosen = select.value;
    select.textContent = "";
    select.appendChild(el("option", { value: "", text: T.no_group }));
    groups.forEach(function (g) {
      select.appendChild(el("option", { value: String(g.group_id), dir: "auto", text: groupName(g.group_id) }));
    });
    select.value = chosen;
  }

  function edit(org) {
    A.byId("org-id").value = org ? String(org.id) : "";
    FIELDS.forEach(function (name) { field(name).value = org ? org[name] : ""; });
    A.byId("org-aliases").value = org ? org.aliases.join("; ") : "";
    A.byId("org-group").value = org && org.group_id ? String(org.group_id) : "";
    A.byId("org-save").textContent = org ? A.t.save : T.add;
    A.byId("org-cancel").hidden = !org;
    if (org) field("acronym").focus();
  }

  function names(org) {
    var cell = el("td", { class: "directory-names" });
    [["fr", org.name_fr], ["ar", org.name_ar], ["en", org.name_en]].forEach(function (pair) {
      if (!pair[1]) return;
      if (cell.children.length) cell.appendChild(el("br"));
      cell.appendChild(el("span", { lang: pair[0], dir: pair[0] === "ar" ? "rtl" : "ltr", text: pair[1] }));
    });
    return cell;
  }

  function row(org) {
    return el("tr", { "data-organisation": String(org.id) }, [
      el("td", { class: "directory-acronym", dir: "auto", text: org.acronym }),
      names(org),
      el("td", { class: "muted", dir: "auto", text: org.aliases.join(" · ") }),
      el("td", { dir: "auto", text: groupName(org.group_id) }),
      el("td", { class: "num", text: String(org.participants) }),
      el("td", { class: "num", text: String(org.commitments) }),
      el("td", { class: "directory-actions" }, [
        el("button", { type: "button", text: A.t.edit, "aria-label": A.t.edit + " " + label(org), onclick: function () { edit(org); } }),
        el("button", {
          type: "button", text: T.remove, "aria-label": T.remove + " " + label(org), disabled: org.commitments > 0,
          onclick: function () {
            A.api("DELETE", base + "/" + org.id).then(function (answer) { if (say(answer, A.t.saved)) refresh(); });
          },
        }),
      ]),
    ]);
  }

  function mergeControl(entry, index) {
    var id = "unmatched-" + index;
    var select = el("select", { id: id }, [el("option", { value: "", text: T.choose })]);
    data.organisations.slice().sort(function (a, b) { return label(a).localeCompare(label(b)); }).forEach(function (org) {
      var full = org.acronym && (org.name_fr || org.name_en || org.name_ar);
      select.appendChild(el("option", { value: String(org.id), dir: "auto", text: full ? org.acronym + " — " + full : label(org) }));
    });
    var button = el("button", {
      type: "button", text: T.merge, disabled: true,
      onclick: function () {
        var target = Number(select.value);
        A.api("POST", base + "/merges", { name: entry.name, organisation_id: target }).then(function (answer) {
          if (say(answer, answer.merge && A.fmt(T.merged, { name: entry.name, organisation: answer.merge.organisation }))) refresh();
        });
      },
    });
    select.addEventListener("change", function () { button.disabled = !select.value; });
    return el("li", {}, [
      el("span", { class: "unmatched-name", dir: "auto", text: entry.name }),
      el("span", { class: "muted", text: A.fmt(T.used_by, entry) }),
      el("label", { for: id, class: "unmatched-label", text: T.same_as }),
      select,
      button,
    ]);
  }

  function render() {
    if (!data) return;
    A.byId("directory-count").textContent = String(data.organisations.length);
    var rows = A.byId("directory-rows");
    rows.textContent = "";
    data.organisations.forEach(function (org) { rows.appendChild(row(org)); });
    var empty = A.byId("directory-empty");
    empty.hidden = data.organisations.length > 0;
    empty.textContent = T.empty;
    var unmatched = A.byId("unmatched");
    unmatched.textContent = "";
    if (!data.unmatched.length) unmatched.appendChild(el("li", { class: "muted", text: T.unmatched_none }));
    data.unmatched.forEach(function (entry, i) { unmatched.appendChild(mergeControl(entry, i)); });
    var merges = A.byId("organisation-merges");
    merges.textContent = "";
    data.merges.forEach(function (merge) {
      merges.appendChild(el("li", { class: merge.undone ? "is-undone" : "" }, [
        el("span", { dir: "auto", text: A.fmt(T.merge_line, { name: merge.name, organisation: merge.organisation, count: merge.commitments }) }),
        merge.undone ? el("span", { class: "muted", text: T.undone }) : el("button", {
          type: "button", text: T.undo,
          onclick: function () {
            A.api("POST", base + "/merges/" + merge.id + "/undo").then(function (answer) { if (say(answer, A.t.saved)) refresh(); });
          },
        }),
      ]));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { aliases: A.byId("org-aliases").value, group: A.byId("org-group").value || null };
    FIELDS.forEach(function (name) { body[name] = field(name).value; });
    var id = A.byId("org-id").value;
    A.api(id ? "PATCH" : "POST", id ? base + "/" + id : base, body).then(function (answer) {
      if (say(answer, A.t.saved)) { edit(null); refresh(); }
    });
  });
  A.byId("org-cancel").addEventListener("click", function () { edit(null); });
  A.byId("directory-import").addEventListener("submit", function (event) {
    event.preventDefault();
    var file = A.byId("directory-file").files[0];
    if (!file) return;
    var body = new FormData();
    body.append("file", file);
    A.api("POST", base + "/import", body).then(function (answer) {
      if (say(answer, A.fmt(T.imported, { count: answer.imported }))) { event.target.reset(); refresh(); }
    });
  });
  A.byId("directory-copy").addEventListener("submit", function (event) {
    event.preventDefault();
    A.api("POST", base + "/copy", { from: A.byId("directory-from").value }).then(function (answer) {
      if (say(answer, A.fmt(T.imported, { count: answer.imported }))) refresh();
    });
  });

  A.extend.consoleRender.push(function (state) {
    snapshot = state;
    groups = state.groups || [];
    fillGroups();
    var now = state.version + ":" + state.participants;
    if (now === seen) return;
    if (seen === null) refresh(); else refreshSoon();
    seen = now;
    render();
  });
})();
