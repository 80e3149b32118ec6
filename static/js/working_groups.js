/* Console: the working groups (issue 14). In the main console: define the groups, assign the
   room, every table at a glance (its phase, countdown, top activities, screen and table link),
   and the roll-up to the plenary with its cross-group duplicates. Opened with a table link
   (config.table_group_id), the console is that table's only: its phase, its countdown, its
   activities (hide, restore, merge, bring to plenary) and its pre-vote.
   Loaded before console.js (the consoleRender hook); a table console connects by itself. */
(function () {
  "use strict";

  var A = window.Atelier;
  var W = A.t.wg;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var tableId = A.config.table_group_id || null;
  var state = null;
  var prevotes = {}; // group id -> [{activity_id, total, voters, rank}], read from the API
  var PRESETS = [5, 10, 15];

  function nameOf(group) {
    return (group && ((group.names && group.names[A.lang]) || group.name)) || W.no_group_name;
  }

  function groups() {
    return (state && state.working_groups) || [];
  }

  function groupById(id) {
    var list = groups();
    for (var i = 0; i < list.length; i += 1) if (list[i].id === id) return list[i];
    return null;
  }

  function activityById(id) {
    var list = state ? state.activities : [];
    for (var i = 0; i < list.length; i += 1) if (list[i].id === id) return list[i];
    return null;
  }

  function titleOf(id) {
    var activity = activityById(id);
    return activity ? A.word("activities", activity, "title") : "#" + id;
  }

  function say(node, answer, okText) {
    if (answer && answer.ok !== false && !answer.error) A.notify(node, okText || W.saved, "ok");
    else A.notify(node, (answer && answer.message) || A.t.error_generic, "error");
    return answer;
  }

  function ok(answer) {
    return !!answer && answer.ok !== false && !answer.error;
  }

  // -- a group's controls, shared by the main console's tiles and a table's console --------

  function phaseButtons(group, message) {
    var box = el("div", { className: "phase-buttons wg-phases", role: "group", "aria-label": A.fmt(W.phase_of, { name: nameOf(group) }) });
    W.phase_order.forEach(function (phase) {
      box.appendChild(el("button", { type: "button", "data-group-phase": phase, text: W.phases[phase], onclick: function () {
        A.api("POST", base + "/working-groups/" + group.id + "/phase", { phase: phase }).then(function (r) { if (!ok(r)) say(message, r); });
      } }));
    });
    return box;
  }

  function markPhase(box, group) {
    Array.prototype.forEach.call(box.querySelectorAll("button[data-group-phase]"), function (button) {
      var on = button.getAttribute("data-group-phase") === group.phase;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  /** A group's countdown: the time left with its pause/resume and reset buttons on one line,
      the presets on the next. */
  function timerControls(group, message) {
    function send(action, seconds) {
      var body = { action: action };
      if (seconds !== undefined) body.seconds = seconds;
      A.api("POST", base + "/working-groups/" + group.id + "/timer", body).then(function (r) { if (!ok(r)) say(message, r); });
    }
    var box = el("div", { className: "wg-timer", role: "group", "aria-label": A.fmt(W.timer_of, { name: nameOf(group) }) });
    var presets = el("div", { className: "timer-presets wg-timer-buttons" });
    PRESETS.forEach(function (minutes) {
      presets.appendChild(el("button", { type: "button", "data-minutes": String(minutes), text: A.fmt(W.minutes, { count: minutes }), onclick: function () { send("start", 60 * minutes); } }));
    });
    // one button pauses a running countdown and resumes a paused one
    var hold = el("button", { type: "button", "data-timer-action": "pause", text: W.pause, onclick: function () {
      send(hold.getAttribute("data-timer-action") === "pause" ? "pause" : "start");
    } });
    var reset = el("button", { type: "button", "data-timer-action": "reset", text: "↺", title: W.reset, "aria-label": W.reset, onclick: function () { send("reset"); } });
    box.appendChild(el("div", { className: "wg-clock-row" }, [clockNode(), hold, reset]));
    box.appendChild(presets);
    return box;
  }

  function markTimer(box, clock, group) {
    var timer = group.timer || { state: "idle", seconds: null };
    A.showTimer(clock, { timer: timer, server_time: state.server_time });
    var hold = box.querySelector("[data-timer-action=pause], [data-timer-action=resume]");
    var paused = timer.state === "paused";
    hold.setAttribute("data-timer-action", paused ? "resume" : "pause");
    hold.textContent = paused ? W.resume : W.pause;
    hold.disabled = timer.state !== "running" && !paused;
    box.querySelector("[data-timer-action=reset]").disabled = timer.state === "idle" && !timer.seconds;
  }

  function clockNode() {
    return el("p", { className: "timer wg-clock", "data-show-idle": "" }, [
      el("span", { className: "timer-label", text: W.time_left }), " ",
      el("span", { className: "timer-value" }),
    ]);
  }

  /** Each group's pre-vote ranking, as the results carry it ({working_group_id, activities}),
      or as a table's room carries its own (working_group.prevote). */
  function keepPrevotes(results) {
    ((results && results.prevotes) || []).forEach(function (p) { prevotes[p.working_group_id] = p.activities; });
  }

  function ranked(gid) {
    return (prevotes[gid] || []).slice().sort(function (a, b) { return a.rank - b.rank || a.activity_id - b.activity_id; });
  }

  if (tableId) return tableConsole();

  // -- the main console: the groups card -------------------------------------------------------

  var card = A.byId("working-groups");
  if (!card) return;
  var message = A.byId("wg-msg");
  var tiles = {}; // group id -> {li, ...}
  var people = []; // GET /participants, for "move a participant"

  A.byId("wg-from-tracks").addEventListener("click", function () {
    A.api("POST", base + "/working-groups", { from_tracks: true }).then(function (r) {
      say(message, r, ok(r) ? A.fmt(W.created, { count: (r.working_groups || []).length }) : null);
    });
  });

  A.byId("wg-add").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var name = A.byId("wg-name").value.trim();
    if (!name) { A.byId("wg-name").focus(); return; }
    var names = { name_fr: A.byId("wg-name-fr").value.trim(), name_ar: A.byId("wg-name-ar").value.trim(), name_en: A.byId("wg-name-en").value.trim() };
    A.api("POST", base + "/working-groups", { names: [name] }).then(function (r) {
      if (!ok(r)) return say(message, r);
      var made = (r.working_groups || []).filter(function (g) { return g.name === name; })[0];
      var worded = names.name_fr || names.name_ar || names.name_en;
      var then = made && worded ? A.api("PATCH", base + "/working-groups/" + made.id, names) : Promise.resolve(r);
      then.then(function (r2) {
        say(message, r2, A.fmt(W.created, { count: 1 }));
        if (ok(r2)) form.reset();
      });
    });
  });

  A.byId("wg-choice").addEventListener("change", function (event) {
    A.api("PATCH", base, { working_group_choice: event.target.checked }).then(function (r) { say(message, r); });
  });

  Array.prototype.forEach.call(card.querySelectorAll(".wg-assign button"), function (button) {
    button.addEventListener("click", function () {
      var body = { method: button.getAttribute("data-method"), only_unassigned: A.byId("wg-only-unassigned").checked };
      A.api("POST", base + "/working-groups/assign", body).then(function (r) {
        say(message, r, A.fmt(W.placed, { count: (r && r.moved) || 0 }));
        loadPeople();
      });
    });
  });

  A.byId("wg-move").addEventListener("submit", function (event) {
    event.preventDefault();
    var pid = A.byId("wg-move-who").value;
    var to = A.byId("wg-move-to").value;
    if (!pid || to === "") return;
    var gid = to === "none" ? null : Number(to);
    A.api("PUT", base + "/participants/" + encodeURIComponent(pid) + "/working-group", { working_group_id: gid }).then(function (r) {
      var row = people.filter(function (p) { return p.participant_id === pid; })[0];
      say(message, r, A.fmt(W.moved, { who: row && row.name ? row.name + " (" + pid + ")" : pid, group: gid ? nameOf(groupById(gid)) : W.no_group }));
      loadPeople();
    });
  });

  A.byId("wg-place").addEventListener("submit", function (event) {
    event.preventDefault();
    var aid = A.byId("wg-place-what").value;
    var to = A.byId("wg-place-to").value;
    if (!aid || to === "") return;
    var gid = to === "none" ? null : Number(to);
    A.api("PUT", base + "/activities/" + encodeURIComponent(aid) + "/working-group", { working_group_id: gid }).then(function (r) {
      var title = titleOf(Number(aid));
      say(message, r, gid ? A.fmt(W.activity_placed, { title: title, group: nameOf(groupById(gid)) }) : A.fmt(W.activity_unplaced, { title: title }));
    });
  });

  /** The activities (visible ones) and where each sits; the first ones listed are at no table. */
  function renderPlace() {
    var list = groups();
    var tool = A.byId("wg-activities");
    tool.hidden = !list.length;
    if (!list.length) return;
    var activities = state.activities.filter(function (a) { return a.status === "visible"; });
    var unplaced = activities.filter(function (a) { return !a.working_group_id; });
    A.byId("wg-unplaced").textContent = unplaced.length ? A.fmt(W.activities_unplaced, { count: unplaced.length }) : W.activities_all_placed;
    var ordered = unplaced.concat(activities.filter(function (a) { return a.working_group_id; }));
    fill(A.byId("wg-place-what"), [["", W.choose]].concat(ordered.map(function (a) {
      var now = a.working_group_id ? nameOf(groupById(a.working_group_id)) : W.no_group;
      return [String(a.id), titleOf(a.id) + " → " + now];
    })));
    fill(A.byId("wg-place-to"), list.map(function (g) { return [String(g.id), nameOf(g)]; }).concat([["none", W.no_group]]));
  }

  var peopleSeen = null;
  function loadPeople() {
    A.api("GET", base + "/participants").then(function (r) {
      if (r && Array.isArray(r.participants)) { people = r.participants; renderMove(); }
    });
  }

  function fill(select, options) {
    var value = select.value;
    select.textContent = "";
    options.forEach(function (o) { select.appendChild(el("option", { value: o[0], text: o[1] })); });
    var known = options.some(function (o) { return o[0] === value; });
    select.value = known ? value : (options.length ? options[0][0] : "");
    A.followText(select);
  }

  function renderMove() {
    var list = groups();
    var none = !list.length;
    A.byId("wg-move").hidden = none;
    if (none) return;
    fill(A.byId("wg-move-who"), [["", W.choose]].concat(people.map(function (p) {
      var now = p.working_group_id ? nameOf(groupById(p.working_group_id)) : W.no_group;
      return [p.participant_id, (p.name ? p.name + " · " : "") + p.participant_id + (p.organisation ? " · " + p.organisation : "") + " → " + now];
    })));
    fill(A.byId("wg-move-to"), list.map(function (g) { return [String(g.id), nameOf(g)]; }).concat([["none", W.no_group]]));
  }

  function tile(group) {
    var t = tiles[group.id];
    if (t) return t;
    t = { li: el("li", { className: "wg-tile", "data-group-id": String(group.id) }) };
    t.name = el("h4", { className: "wg-name", dir: "auto" });
    t.phase = el("span", { className: "wg-phase" });
    t.figures = el("p", { className: "wg-figures" });
    t.top = el("ol", { className: "wg-top" });
    t.topNone = el("p", { className: "hint wg-top-none", text: W.no_prevote });
    t.phases = phaseButtons(group, message);
    t.timer = timerControls(group, message);
    t.clock = t.timer.querySelector(".wg-clock");
    t.screen = el("a", { className: "wg-screen-link", target: "_blank", rel: "noopener", text: W.table_screen });
    t.qr = el("img", { className: "wg-qr", width: "96", height: "96", alt: "" });
    t.made = el("div", { className: "wg-link-made", hidden: true });
    t.linkButton = el("button", { type: "button", className: "wg-make-link", text: W.table_link, onclick: function () { makeLink(group.id, t); } });
    t.remove = el("button", { type: "button", className: "link wg-delete", text: W.delete, onclick: function () {
      var g = groupById(group.id);
      if (!g || !window.confirm(A.fmt(W.delete_confirm, { name: nameOf(g) }))) return;
      A.api("DELETE", base + "/working-groups/" + group.id).then(function (r) { say(message, r, W.deleted); });
    } });
    t.li.appendChild(el("div", { className: "wg-head" }, [t.name, t.phase]));
    t.li.appendChild(t.figures);
    t.li.appendChild(el("div", { className: "wg-top-box" }, [el("h5", { text: W.top }), t.top, t.topNone]));
    t.li.appendChild(t.phases);
    t.li.appendChild(t.timer);
    t.renameButton = el("button", { type: "button", className: "link wg-rename", text: W.rename, "aria-expanded": "false", onclick: function () { openRename(group.id, t); } });
    t.rename = renameForm(group.id, t);
    t.li.appendChild(el("div", { className: "wg-links" }, [t.qr, el("div", { className: "wg-link-actions" }, [t.screen, t.linkButton, t.renameButton, t.remove])]));
    t.li.appendChild(t.rename.form);
    t.li.appendChild(t.made);
    tiles[group.id] = t;
    return t;
  }

  /** Rename a group: its name and its French, Arabic and English wordings, as the create
      form takes them ("" removes a wording); PATCH /working-groups/<id>. */
  function renameForm(gid, t) {
    var f = { form: el("form", { className: "wg-rename-form", hidden: true, novalidate: true }), inputs: {} };
    [["name", W.name, "auto", null], ["name_fr", "Français", "ltr", "fr"], ["name_ar", "العربية", "rtl", "ar"], ["name_en", "English", "ltr", "en"]].forEach(function (spec) {
      var id = "wg-rename-" + gid + "-" + spec[0];
      var input = el("input", { id: id, dir: spec[2], maxlength: W.name_max, autocomplete: "off", "data-field": spec[0] });
      var label = el("label", { "for": id, text: spec[1] });
      if (spec[3]) { input.lang = spec[3]; label.lang = spec[3]; }
      if (spec[0] === "name") input.required = true;
      f.inputs[spec[0]] = input;
      f.form.appendChild(el("span", {}, [label, input]));
    });
    f.form.appendChild(el("div", { className: "wg-rename-actions" }, [
      el("button", { type: "submit", className: "primary", text: W.save }),
      el("button", { type: "button", text: W.cancel, onclick: function () { closeRename(t); } }),
    ]));
    f.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {};
      Object.keys(f.inputs).forEach(function (k) { body[k] = f.inputs[k].value.trim(); });
      if (!body.name) { f.inputs.name.focus(); return; }
      A.api("PATCH", base + "/working-groups/" + gid, body).then(function (r) {
        say(message, r, W.renamed);
        if (ok(r)) closeRename(t);
      });
    });
    return f;
  }

  function openRename(gid, t) {
    var g = groupById(gid);
    if (!g) return;
    t.rename.inputs.name.value = g.name;
    ["fr", "ar", "en"].forEach(function (lang) { t.rename.inputs["name_" + lang].value = (g.names && g.names[lang]) || ""; });
    t.rename.form.setAttribute("aria-label", A.fmt(W.rename_of, { name: nameOf(g) }));
    t.rename.form.hidden = false;
    t.renameButton.setAttribute("aria-expanded", "true");
    t.rename.inputs.name.focus();
  }

  function closeRename(t) {
    t.rename.form.hidden = true;
    t.renameButton.setAttribute("aria-expanded", "false");
  }

  function makeLink(gid, t) {
    var g = groupById(gid);
    A.api("POST", base + "/working-groups/" + gid + "/links", { label: g ? nameOf(g) : "" }).then(function (r) {
      if (!ok(r) || !r.url) return say(message, r);
      t.made.textContent = "";
      t.made.appendChild(el("p", { text: W.table_link_made }));
      t.made.appendChild(el("p", { className: "url", dir: "ltr", text: r.url }));
      if (r.qr_svg) {
        t.made.appendChild(el("img", {
          className: "wg-link-qr", width: "160", height: "160", alt: A.fmt(W.table_link_qr, { name: nameOf(g) }),
          src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(r.qr_svg),
        }));
      }
      t.made.hidden = false;
    });
  }

  function renderTile(group) {
    var t = tile(group);
    t.name.textContent = nameOf(group);
    t.phase.textContent = W.phases[group.phase] || group.phase;
    t.phase.className = "wg-phase wg-phase-" + group.phase;
    t.li.setAttribute("data-phase", group.phase);
    t.figures.textContent = "";
    [["participants", group.participants], ["proposals", group.proposals], ["activities", group.activities]].forEach(function (f) {
      t.figures.appendChild(el("span", { className: "wg-figure wg-" + f[0] }, [el("span", { text: W[f[0]] }), " ", el("strong", { text: String(f[1] || 0) })]));
    });
    markPhase(t.phases, group);
    markTimer(t.timer, t.clock, group);
    if (group.screen_url) {
      t.screen.href = group.screen_url;
      var src = "/qr/" + encodeURIComponent(A.config.code) + "/tables/" + encodeURIComponent(group.screen_url.split("/").pop()) + ".svg";
      if (t.qr.getAttribute("src") !== src) t.qr.src = src;
      t.qr.alt = A.fmt(W.table_screen_qr, { name: nameOf(group) });
    }
    t.screen.hidden = t.qr.hidden = !group.screen_url;
    var top = ranked(group.id).filter(function (r) { return r.total > 0; }).slice(0, 3);
    t.top.textContent = "";
    top.forEach(function (r) {
      // the title in its own direction on its line, the figures under it (an Arabic page
      // does not mix a French title and Arabic figures on one line)
      t.top.appendChild(el("li", {}, [el("span", { className: "wg-top-title" }, [el("bdi", { text: titleOf(r.activity_id) })]), el("small", { text: A.fmt(W.points, { total: r.total, voters: r.voters }) })]));
    });
    t.top.hidden = !top.length;
    t.topNone.hidden = !!top.length;
    return t.li;
  }

  function render() {
    var list = groups();
    A.byId("wg-count").textContent = String(list.length);
    A.byId("wg-choice").checked = !!state.working_group_choice;
    A.byId("wg-from-tracks").disabled = !state.tracks.length;
    var empty = A.byId("wg-empty");
    empty.textContent = list.length ? "" : W.none;
    empty.hidden = !!list.length;
    Array.prototype.forEach.call(card.querySelectorAll(".wg-assign button"), function (b) { b.disabled = !list.length; });
    var seated = list.reduce(function (n, g) { return n + (g.participants || 0); }, 0);
    var unassigned = Math.max(0, (state.participants || 0) - seated);
    A.byId("wg-unassigned").textContent = list.length ? (unassigned ? A.fmt(W.unassigned, { count: unassigned }) : W.all_assigned) : "";
    var box = A.byId("wg-tiles");
    var keep = {};
    list.forEach(function (group, index) {
      keep[group.id] = true;
      var li = renderTile(group);
      if (box.children[index] !== li) box.insertBefore(li, box.children[index] || null);
    });
    Object.keys(tiles).forEach(function (id) {
      if (!keep[id]) { tiles[id].li.remove(); delete tiles[id]; }
    });
    var now = state.participants + ":" + list.map(function (g) { return g.id + "=" + g.participants; }).join(",");
    if (now !== peopleSeen) { peopleSeen = now; loadPeople(); } else renderMove();
    renderPlace();
  }

  // -- the roll-up card ------------------------------------------------------------------------

  var rollMessage = A.byId("rollup-msg");
  var duplicates = null; // pairs from POST/GET /rollup
  var keepChoice = {}; // pair key -> activity id kept

  function loadRollup() {
    A.api("GET", base + "/rollup").then(function (r) {
      if (r && Array.isArray(r.duplicates)) { duplicates = r.duplicates; renderRollup(); }
    });
  }

  A.byId("rollup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var top = A.byId("rollup-top");
    if (!top.checkValidity() || !/^\d+$/.test(top.value)) { top.reportValidity(); return; }
    A.api("POST", base + "/rollup", { top_n: Number(top.value) }).then(function (r) {
      if (ok(r) && Array.isArray(r.ballot)) {
        duplicates = r.duplicates || [];
        A.notify(rollMessage, A.fmt(W.rolled_up, { count: r.ballot.length }), "ok");
        renderRollup();
      } else say(rollMessage, r);
    });
  });

  A.byId("rollup-undo").addEventListener("click", function () {
    if (!window.confirm(W.undo_confirm)) return;
    A.api("DELETE", base + "/rollup").then(function (r) {
      if (ok(r)) duplicates = [];
      say(rollMessage, r, W.undone);
    });
  });

  function entryOf(aid) {
    var list = state.ballot || [];
    for (var i = 0; i < list.length; i += 1) if (list[i].activity_id === aid) return list[i];
    return null;
  }

  function prevoteText(entry) {
    // a table's mark without a pre-vote behind it says only that it was marked
    var figures = entry.prevote_rank && (entry.prevote_voters || !entry.marked) ? A.fmt(W.prevote_figures, { rank: entry.prevote_rank, total: entry.prevote_total, voters: entry.prevote_voters }) : "";
    return [entry.marked ? W.marked : "", figures].filter(Boolean).join(" · ");
  }

  // -- the rapporteur's view: which group the big screen's roll-up scene shows -------------

  function setFocus(gid) {
    A.api("PATCH", base, { rollup_focus_group_id: gid }).then(function (r) { if (!ok(r)) say(rollMessage, r); });
  }

  A.byId("rollup-focus-all").addEventListener("click", function () { setFocus(null); });

  var focusRows = {}; // group id -> {li, name, button}
  function renderFocus(ballot) {
    var box = A.byId("rollup-focus");
    box.hidden = !ballot.length; // a group is shown once there is a ballot
    if (!ballot.length) return;
    var focus = state.rollup_focus_group_id || null;
    var list = A.byId("rollup-focus-groups");
    var keep = {};
    groups().forEach(function (group, index) {
      keep[group.id] = true;
      var row = focusRows[group.id];
      if (!row) {
        row = { li: el("li", { "data-group-id": String(group.id) }), name: el("bdi", { className: "rollup-focus-name", id: "rollup-focus-name-" + group.id }) };
        // its name is the button's: "Show on the big screen Gouvernance…" (the visible text first)
        row.button = el("button", { type: "button", className: "rollup-focus-show", id: "rollup-focus-show-" + group.id, text: W.focus_show, "aria-labelledby": "rollup-focus-show-" + group.id + " rollup-focus-name-" + group.id, onclick: function () { setFocus(group.id); } });
        row.li.appendChild(row.name);
        row.li.appendChild(row.button);
        focusRows[group.id] = row;
      }
      row.name.textContent = nameOf(group);
      row.button.title = A.fmt(W.focus_show_group, { group: nameOf(group) });
      row.button.setAttribute("aria-pressed", focus === group.id ? "true" : "false");
      row.li.classList.toggle("is-on", focus === group.id);
      if (list.children[index] !== row.li) list.insertBefore(row.li, list.children[index] || null);
    });
    Object.keys(focusRows).forEach(function (id) { if (!keep[id]) { focusRows[id].li.remove(); delete focusRows[id]; } });
    A.byId("rollup-focus-all").setAttribute("aria-pressed", focus ? "false" : "true");
    A.byId("rollup-focus-now").textContent = focus ? A.fmt(W.focus_now, { group: nameOf(groupById(focus)) }) : W.focus_all_now;
  }

  var rollupKey = null;
  function renderRollup() {
    if (!state) return;
    var ballot = (state.ballot || []).slice().sort(function (a, b) { return a.position - b.position; });
    // a workshop without groups (and no ballot left) works as one room: no roll-up to offer
    A.byId("rollup").hidden = !groups().length && !ballot.length;
    var voting = state.phase === "voting" || state.phase === "closed";
    A.byId("rollup-go").disabled = voting || !groups().length;
    A.byId("rollup-undo").disabled = voting || !ballot.length;
    A.byId("rollup-top").disabled = voting;
    renderFocus(ballot);
    var key = JSON.stringify([ballot, duplicates, state.merges, groups().map(nameOf), state.activities.map(function (a) { return [a.id, a.status, a.title]; })]);
    if (key === rollupKey) return;
    rollupKey = key;
    var onBallot = ballot.filter(function (e) { return !(e.merged_into_id && entryOf(e.merged_into_id)); });
    A.byId("rollup-count").textContent = ballot.length ? A.fmt(W.ballot_count, { count: onBallot.length }) : W.no_ballot;
    A.byId("ballot-table").hidden = !ballot.length;
    var body = A.byId("ballot-rows");
    body.textContent = "";
    // entries merged into another ballot activity are read as "also brought by" on its row
    var alsoBy = {};
    ballot.forEach(function (e) {
      if (e.merged_into_id && entryOf(e.merged_into_id)) (alsoBy[e.merged_into_id] = alsoBy[e.merged_into_id] || []).push(e);
    });
    onBallot.forEach(function (e, index) {
      var by = [el("span", { dir: "auto", text: nameOf(groupById(e.working_group_id)) })];
      (alsoBy[e.activity_id] || []).forEach(function (o) {
        by.push(el("small", { dir: "auto", text: A.fmt(W.also_by, { groups: nameOf(groupById(o.working_group_id)) }) }));
      });
      body.appendChild(el("tr", { "data-activity-id": String(e.activity_id) }, [
        el("td", { className: "num", text: String(index + 1) }), // the order the plenary reads
        el("td", { className: "col-title" }, [el("span", { dir: "auto", text: titleOf(e.activity_id) })]),
        el("td", {}, by),
        el("td", { text: prevoteText(e) }),
      ]));
    });
    renderDuplicates();
  }

  function renderDuplicates() {
    var box = A.byId("rollup-duplicates");
    box.textContent = "";
    var pairs = (duplicates || []).filter(function (p) {
      return p.activity_ids.every(function (id) { var a = activityById(id); return a && a.status === "visible"; });
    });
    if (!pairs.length) {
      box.appendChild(el("p", { className: "hint", text: W.no_duplicates }));
      return;
    }
    pairs.forEach(function (pair) {
      var key = pair.activity_ids.join("-");
      var ids = pair.activity_ids;
      if (ids.indexOf(keepChoice[key]) === -1) {
        // keep the one with more pre-vote, as the console's duplicate list keeps the most voted
        keepChoice[key] = ids.slice().sort(function (a, b) {
          var ea = entryOf(a), eb = entryOf(b);
          return ((eb && eb.prevote_total) || 0) - ((ea && ea.prevote_total) || 0) || a - b;
        })[0];
      }
      var set = el("fieldset", { className: "dup-cluster rollup-pair", "data-pair": key }, [
        el("legend", { text: A.fmt(W.similarity, { score: Math.round(100 * pair.score) }).replace(/%%/g, "%") }),
      ]);
      ids.forEach(function (id) {
        var entry = entryOf(id);
        set.appendChild(el("label", { className: "choice dup-member" }, [
          el("input", { type: "radio", name: "rollup-keep-" + key, value: String(id), checked: keepChoice[key] === id, onchange: function () { keepChoice[key] = id; } }),
          el("span", { dir: "auto", text: titleOf(id) }),
          el("small", { dir: "auto", text: entry ? nameOf(groupById(entry.working_group_id)) + " · " + prevoteText(entry) : "" }),
        ]));
      });
      set.appendChild(el("div", { className: "dup-actions" }, [
        el("button", { type: "button", className: "primary", text: W.merge_into, onclick: function () {
          var target = keepChoice[key];
          A.api("POST", base + "/merges", { target_id: target, source_ids: ids.filter(function (id) { return id !== target; }) }).then(function (r) {
            say(rollMessage, r, A.t.merge ? A.t.merge.merged : W.merged);
            if (ok(r)) loadRollup();
          });
        } }),
      ]));
      box.appendChild(set);
    });
  }

  var ballotSeen = null;
  A.extend.consoleRender.push(function (st, res) {
    state = st;
    keepPrevotes(res);
    render();
    var seen = JSON.stringify(st.ballot || []) + st.merges.length;
    if (seen !== ballotSeen) {
      var first = ballotSeen === null;
      ballotSeen = seen;
      if (first || (st.ballot && st.ballot.length)) loadRollup();
      else duplicates = [];
    }
    renderRollup();
  });

  // -- a table facilitator's console -----------------------------------------------------------

  /** A table link's console: it listens to its table's room (the table screen's snapshot: its
      group's visible activities, phase, countdown and pre-vote) and acts over the API, which
      lets a table link act on its group only. The room shows visible activities only: the
      group's hidden ones, whoever hid them and from whichever browser, are read from the
      server (GET /working-groups/<gid>?status=hidden) at load, whenever the room's snapshot
      changes, and after this console hides or restores one, so any browser restores them. */
  function tableConsole() {
    var box = A.byId("table-console");
    if (!box) return;
    var msg = A.byId("table-msg");
    var built = null;
    var picked = []; // activity ids ticked for a merge, in order
    var hiddenOnes = []; // the group's hidden activities, as the server last listed them
    var hiddenUrl = base + "/working-groups/" + tableId + "?status=hidden";
    var reading = false; // one read at a time; `again`: something changed while it ran
    var again = false;
    var readAt = null; // the snapshot version the list was last asked for
    // what earlier versions kept in the browser instead: forgotten, the server says it now
    try { window.localStorage.removeItem("atelier_table_hidden_" + A.config.code + "_" + tableId); } catch (e) { /* private mode */ }

    function readHidden() {
      if (reading) { again = true; return; }
      reading = true;
      again = false;
      readAt = state ? state.version : null;
      A.api("GET", hiddenUrl).then(function (r) {
        reading = false;
        if (r && Array.isArray(r.activities)) hiddenOnes = r.activities;
        else say(msg, r); // offline or refused: the next snapshot asks again
        if (again) readHidden();
        else renderTable();
      });
    }

    function mineGroup() {
      return state && (state.working_group || groupById(tableId));
    }

    function build(group) {
      built = { phases: phaseButtons(group, msg), timer: timerControls(group, msg) };
      built.clock = built.timer.querySelector(".wg-clock");
      A.byId("table-phase").appendChild(built.phases);
      A.byId("table-timer").appendChild(built.timer);
    }

    function act(url, body, okText) {
      return A.api("POST", url, body).then(function (r) {
        say(msg, r, okText);
        return r;
      });
    }

    function hideOrRestore(activity, hidden) {
      act(base + "/activities/" + activity.id + (hidden ? "/restore" : "/hide")).then(function (r) {
        if (ok(r)) readHidden();
      });
    }

    function row(activity, rank) {
      var hidden = activity.status === "hidden";
      var tr = el("tr", { "data-activity-id": String(activity.id), className: hidden ? "is-hidden" : "" });
      var pick = el("td", { className: "col-select" });
      if (!hidden) {
        pick.appendChild(el("input", { type: "checkbox", "aria-label": A.fmt(W.select_one, { title: activity.title }), checked: picked.indexOf(activity.id) !== -1, onchange: function (event) {
          picked = picked.filter(function (id) { return id !== activity.id; });
          if (event.target.checked) picked.push(activity.id);
          renderTable();
        } }));
      }
      var actions = el("td", { className: "table-actions" });
      actions.appendChild(el("button", { type: "button", className: "hide-toggle", text: hidden ? A.t.restore : A.t.hide, onclick: function () {
        hideOrRestore(activity, hidden);
      } }));
      if (!hidden) {
        actions.appendChild(el("button", {
          type: "button", className: activity.to_plenary ? "primary to-plenary" : "to-plenary", "aria-pressed": activity.to_plenary ? "true" : "false",
          text: activity.to_plenary ? W.to_plenary_on : W.to_plenary,
          onclick: function () { act(base + "/activities/" + activity.id + "/to-plenary", { to_plenary: !activity.to_plenary }); },
        }));
      }
      tr.appendChild(pick);
      tr.appendChild(el("td", { className: "num", text: rank ? String(rank.rank) : "" }));
      tr.appendChild(el("td", { className: "col-title" }, [el("span", { dir: "auto", text: A.word("activities", activity, "title") })]));
      tr.appendChild(el("td", { className: "num", text: rank ? A.fmt(W.points, { total: rank.total, voters: rank.voters }) : "" }));
      tr.appendChild(actions);
      return tr;
    }

    function renderTable() {
      var group = mineGroup();
      if (!group) return;
      if (!built) build(group);
      A.byId("table-name").textContent = A.fmt(W.table_title, { name: nameOf(group) });
      A.byId("table-phase-now").textContent = W.phases[group.phase] || group.phase;
      A.byId("table-phase-now").className = "wg-phase wg-phase-" + group.phase;
      document.body.setAttribute("data-group-phase", group.phase);
      A.byId("phase").textContent = W.phases[group.phase] || group.phase; // the bar: the table's phase
      markPhase(built.phases, group);
      markTimer(built.timer, built.clock, group);
      if (group.prevote) prevotes[tableId] = group.prevote;
      var ranks = {};
      ranked(tableId).forEach(function (r) { ranks[r.activity_id] = r; });
      var hidden = hiddenOnes;
      var shownHidden = {};
      hidden.forEach(function (a) { shownHidden[a.id] = true; });
      // the list read after a change is the newer word on what is hidden: a snapshot that still
      // shows one of them visible has not caught up yet (the next one will)
      var visible = state.activities.filter(function (a) { return a.working_group_id === tableId && a.status === "visible" && !shownHidden[a.id]; });
      var seen = {};
      visible.forEach(function (a) { seen[a.id] = true; });
      visible.sort(function (a, b) {
        var ra = ranks[a.id], rb = ranks[b.id];
        return ((ra && ra.total) ? ra.rank : 1e9) - ((rb && rb.total) ? rb.rank : 1e9) || a.id - b.id;
      });
      picked = picked.filter(function (id) { return seen[id]; });
      var body = A.byId("table-rows");
      body.textContent = "";
      visible.forEach(function (a) { body.appendChild(row(a, ranks[a.id] && ranks[a.id].total ? ranks[a.id] : null)); });
      // the hidden ones under a heading of their own, below the ones the table works on
      var under = A.byId("table-hidden-rows");
      under.textContent = "";
      under.hidden = !hidden.length;
      if (hidden.length) {
        under.appendChild(el("tr", { className: "table-hidden-head" }, [
          el("th", { colspan: "5", scope: "rowgroup", text: A.fmt(W.hidden_count, { count: hidden.length }) }),
        ]));
      }
      hidden.forEach(function (a) { under.appendChild(row(a, null)); });
      A.byId("table-empty").hidden = visible.length + hidden.length > 0;
      A.byId("table-merge").disabled = picked.length < 2;
      A.byId("table-count").textContent = String(visible.length);
    }

    A.byId("table-merge").addEventListener("click", function () {
      if (picked.length < 2) return;
      var target = picked[0];
      act(base + "/merges", { target_id: target, source_ids: picked.slice(1) }, W.merged).then(function (r) {
        if (ok(r)) { picked = []; renderTable(); }
      });
    });

    A.connect({ code: A.config.code, table_key: A.config.table_key }, {
      workshop_state: function (data) {
        state = data;
        renderTable();
        // the room is sent a snapshot when its group changed: a hide or a restore among them
        if (data.version !== readAt) readHidden();
      },
      results: function (data) {
        keepPrevotes(data);
        renderTable();
      },
    });
  }
})();
