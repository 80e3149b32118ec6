/* Console: the participants card. Who is in the room (online or not, what they spent), merging
   one person's two identities, removing one, undoing either. Loaded before console.js; the
   snapshot comes through the consoleRender hook, the list from GET /participants. */
(function () {
  "use strict";

  var A = window.Atelier;
  var P = A.t.people;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var state = null;
  var list = null; // the last answer of GET /participants
  var seen = null; // snapshot version and count the list was read at
  var selected = []; // pseudonyms, in the order they were ticked (two at most)
  var message = A.byId("people-msg");
  var fetching = false;
  var again = false;
  var soon = null;

  function who(row) {
    return row.name ? row.name + " (" + row.participant_id + ")" : row.participant_id;
  }

  function byId(pid) {
    for (var i = 0; list && i < list.participants.length; i += 1) {
      if (list.participants[i].participant_id === pid) return list.participants[i];
    }
    return null;
  }

  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    A.api("GET", base + "/participants").then(function (data) {
      fetching = false;
      if (data.participants) { list = data; render(); }
      if (again) { again = false; refresh(); }
    });
  }

  /** Changes come in bursts (a room joining or voting): one read per second at most. */
  var last = 0;
  function refreshSoon() {
    if (soon) return;
    var wait = Math.max(0, last + 1000 - Date.now());
    soon = setTimeout(function () { soon = null; last = Date.now(); refresh(); }, wait);
  }

  function spentText(row) {
    var rule = state ? state.voting : null;
    if (rule && rule.budget && rule.mode !== "score") return row.spent + "/" + rule.budget;
    return String(row.votes);
  }

  function joinedText(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) return iso;
    return when.toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
  }

  function matches(row, needle) {
    if (!needle) return true;
    var text = [row.participant_id, row.name, row.organisation, A.groupName(state, row.group_id)].join(" ");
    return text.toLocaleLowerCase().indexOf(needle) !== -1;
  }

  function renderRow(row) {
    var box = el("input", {
      type: "checkbox", "aria-label": A.fmt(P.select, { who: who(row) }),
      onchange: function () { toggle(row.participant_id, box.checked); },
    });
    box.checked = selected.indexOf(row.participant_id) !== -1;
    var online = el("span", { className: row.online ? "presence is-online" : "presence" }, [
      el("span", { className: "presence-dot", "aria-hidden": "true" }),
      row.online ? P.online : P.offline,
    ]);
    return el("tr", { "data-participant": row.participant_id, className: box.checked ? "is-selected" : "" }, [
      el("td", { className: "col-select" }, [box]),
      el("td", { className: "pseudonym", dir: "ltr", text: row.participant_id }),
      // <bdi>: a name in another script is read in its own direction, and sits at the
      // column's side like the others
      el("td", { className: row.name ? "" : "muted" }, [el("bdi", { text: row.name || P.anonymous })]),
      el("td", {}, [el("bdi", { text: row.organisation })]),
      el("td", {}, [el("bdi", { text: A.groupName(state, row.group_id) })]),
      el("td", { className: "num", text: joinedText(row.joined_at) }),
      el("td", { className: "num", text: spentText(row) }),
      el("td", {}, [online]),
      el("td", {}, [el("button", { type: "button", text: P.remove, onclick: function () { remove(row); } })]),
    ]);
  }

  function render() {
    if (!list) return;
    var rows = list.participants;
    var online = rows.filter(function (r) { return r.online; }).length;
    A.byId("people-count").textContent = A.fmt(P.online_count, { online: online, count: rows.length });
    selected = selected.filter(function (pid) { return byId(pid) !== null; });
    var needle = A.byId("people-filter").value.trim().toLocaleLowerCase();
    var body = A.byId("people-rows");
    body.textContent = "";
    var shown = rows.filter(function (r) { return matches(r, needle); });
    shown.forEach(function (row) { body.appendChild(renderRow(row)); });
    if (!shown.length) {
      body.appendChild(el("tr", {}, [el("td", { colspan: "9", className: "hint", text: rows.length ? P.no_match : P.none })]));
    }
    renderMerge();
    renderChanges();
  }

  function renderMerge() {
    var keep = A.byId("people-keep");
    var ready = selected.length === 2;
    var previous = keep.value;
    keep.textContent = "";
    if (ready) {
      var rows = selected.map(byId);
      // by default keep the identity in use now: the one online, else the first to join
      var onlineOnes = rows.filter(function (r) { return r.online; });
      var preferred = onlineOnes.length === 1 ? onlineOnes[0].participant_id : rows[0].participant_id;
      rows.forEach(function (row) {
        keep.appendChild(el("option", { value: row.participant_id, text: who(row) }));
      });
      keep.value = selected.indexOf(previous) !== -1 ? previous : preferred;
    }
    keep.disabled = !ready;
    keep.hidden = !ready; // its label too: an empty choice says nothing
    document.querySelector("label[for=people-keep]").hidden = !ready;
    A.byId("people-merge").disabled = !ready;
  }

  function renderChanges() {
    var node = A.byId("people-changes");
    node.textContent = "";
    A.byId("people-changes-title").hidden = list.changes.length === 0;
    list.changes.slice().reverse().forEach(function (change) {
      var text = change.kind === "merge"
        ? A.fmt(P.change_merge, { merged: change.participant_id, kept: change.kept_id })
        : A.fmt(P.change_removal, { who: change.participant_id });
      var item = el("li", { className: change.undone_at ? "is-undone" : "" }, [el("span", { dir: "auto", text: text })]);
      if (!change.undone_at) {
        item.appendChild(el("button", { type: "button", text: P.undo, onclick: function () { undo(change); } }));
      }
      node.appendChild(item);
    });
  }

  function toggle(pid, on) {
    selected = selected.filter(function (p) { return p !== pid; });
    if (on) selected.push(pid);
    if (selected.length > 2) selected = selected.slice(-2);
    render();
  }

  function answered(data, okText) {
    if (data.ok) A.notify(message, okText, "ok");
    else A.notify(message, data.message || A.t.error_generic, "error");
    refresh();
  }

  function merge() {
    var kept = A.byId("people-keep").value;
    var merged = selected.filter(function (p) { return p !== kept; })[0];
    var names = { kept: who(byId(kept)), merged: who(byId(merged)) };
    if (!window.confirm(A.fmt(P.merge_confirm, names))) return;
    A.api("POST", base + "/participants/merge", { kept_id: kept, merged_id: merged }).then(function (data) {
      if (data.ok) selected = [];
      answered(data, A.fmt(P.merged, names));
    });
  }

  function remove(row) {
    if (!window.confirm(A.fmt(P.remove_confirm, { who: who(row) }))) return;
    A.api("POST", base + "/participants/" + encodeURIComponent(row.participant_id) + "/remove").then(function (data) {
      answered(data, A.fmt(P.removed, { who: who(row) }));
    });
  }

  function undo(change) {
    A.api("POST", base + "/participant-changes/" + change.change_id + "/undo").then(function (data) {
      answered(data, P.undone);
    });
  }

  A.byId("people-merge").addEventListener("click", merge);
  A.byId("people-filter").addEventListener("input", render);

  A.extend.consoleRender.push(function (snapshot) {
    state = snapshot;
    var now = snapshot.version + ":" + snapshot.participants;
    if (now !== seen) { seen = now; refreshSoon(); } else render();
  });

  // console.js connects after this script: listen once its socket exists
  document.addEventListener("DOMContentLoaded", function () {
    if (A.socket) A.socket.on("presence_changed", refreshSoon);
  });
})();
