/* The facilitator's console: phases, toggles, activities (add, import, edit, hide), results. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var code = A.config.code;
  var base = "/api/workshops/" + encodeURIComponent(code);
  var state = null;
  var results = null;
  var editing = null; // id of the activity being edited: its row is left alone by snapshots
  var selected = {}; // ids of the visible activities ticked for "Hide the selection"
  var table = A.byId("activities-table"); // this page's own table: features attach to it by id
  var message = A.byId("console-msg");

  function report(response, okText) {
    if (response && response.ok) A.notify(message, okText || t.saved, "ok");
    else A.notify(message, (response && response.message) || t.error_generic, "error");
    return response;
  }

  function resultOf(activityId) {
    if (!results) return null;
    for (var i = 0; i < results.activities.length; i += 1) {
      if (results.activities[i].activity_id === activityId) return results.activities[i];
    }
    return null;
  }

  function editRow(activity, tr) {
    editing = activity.id;
    tr.textContent = "";
    var title = el("input", { maxlength: String(A.limits.title_max), dir: "auto", value: activity.title, "aria-label": t.save });
    var description = el("textarea", { maxlength: String(A.limits.description_max), dir: "auto", rows: "2" });
    description.value = activity.description;
    var save = el("button", { type: "button", className: "primary", text: t.save, onclick: function () {
      A.api("PATCH", base + "/activities/" + activity.id, { title: title.value, description: description.value }).then(function (r) {
        report(r);
        if (r.ok) { editing = null; render(); }
      });
    } });
    var cancel = el("button", { type: "button", text: t.cancel, onclick: function () { editing = null; render(); } });
    var columns = table.querySelectorAll("thead th").length; // every feature's columns included
    tr.appendChild(el("td", { colspan: String(columns) }, [title, description, save, cancel]));
  }

  function row(activity) {
    var result = resultOf(activity.id);
    var hidden = activity.status === "hidden";
    var tr = el("tr", { className: hidden ? "is-hidden" : "" });
    var author = activity.proposed_by ? A.groupName(state, activity.proposed_by.group_id) + " / " + activity.proposed_by.organisation : t.facilitator;
    var toggle = el("button", { type: "button", text: hidden ? t.restore : t.hide, onclick: function () {
      A.api("POST", base + "/activities/" + activity.id + (hidden ? "/restore" : "/hide")).then(report);
    } });
    var edit = el("button", { type: "button", text: t.edit, onclick: function () { editRow(activity, tr); } });
    var pick = el("td", { className: "col-select" });
    if (activity.status === "visible") {
      pick.appendChild(el("input", { type: "checkbox", className: "select-activity", "aria-label": A.fmt(t.select_one, { title: activity.title }),
        checked: !!selected[activity.id], onchange: function (event) {
          if (event.target.checked) selected[activity.id] = true;
          else delete selected[activity.id];
          renderSelection();
        } }));
    }
    tr.appendChild(pick);
    tr.appendChild(el("td", { text: result ? String(result.rank) : (hidden ? t.hidden : "") }));
    tr.appendChild(el("td", { className: "col-title" }, [el("span", { dir: "auto", text: activity.title }), activity.description ? el("small", { dir: "auto", text: activity.description }) : null]));
    tr.appendChild(el("td", { dir: "auto", text: author }));
    tr.appendChild(el("td", { text: result ? String(result.total) : "" }));
    tr.appendChild(el("td", { text: result ? String(result.voters) : "" }));
    tr.appendChild(el("td", {}, [edit, toggle]));
    A.run("consoleRow", tr, activity, state, results);
    return tr;
  }

  /** The "Hide the selection" button and the select-all box follow the ticked visible rows. */
  function renderSelection() {
    var visible = state ? state.activities.filter(function (a) { return a.status === "visible"; }) : [];
    var still = {};
    visible.forEach(function (a) { if (selected[a.id]) still[a.id] = true; });
    selected = still;
    var count = Object.keys(selected).length;
    var button = A.byId("hide-selection");
    button.textContent = A.fmt(t.hide_selection, { count: count });
    button.disabled = count === 0;
    var all = A.byId("select-all");
    all.checked = count > 0 && count === visible.length;
    all.indeterminate = count > 0 && count < visible.length;
  }

  function render() {
    if (!state) return;
    A.byId("phase").textContent = t.phases[state.phase];
    A.byId("phase").className = "phase phase-" + state.phase;
    Array.prototype.forEach.call(document.querySelectorAll("#phase-buttons button"), function (button) {
      var current = button.getAttribute("data-phase") === state.phase;
      button.classList.toggle("primary", current);
      button.setAttribute("aria-pressed", current ? "true" : "false");
    });
    A.byId("live-results").checked = !!state.live_results;
    A.byId("group-split").checked = !!state.show_group_split;
    A.byId("count").textContent = String(state.participants);
    var groups = A.byId("groups");
    groups.textContent = "";
    state.groups.forEach(function (g) {
      groups.appendChild(el("li", {}, [el("span", { dir: "auto", text: A.word("groups", g, "name") }), el("strong", { text: String(g.participants) })]));
    });
    var select = A.byId("a-track");
    if (select.options.length !== state.tracks.length + 1) {
      select.textContent = "";
      select.appendChild(el("option", { value: "", text: t.no_track }));
      state.tracks.forEach(function (track) { select.appendChild(el("option", { value: String(track.id), text: A.word("tracks", track, "name") })); });
    }
    if (editing !== null) return;
    var body = A.byId("activities");
    body.textContent = "";
    var rank = {};
    if (results) results.activities.forEach(function (r) { rank[r.activity_id] = r.rank; });
    state.activities.slice().sort(function (a, b) {
      return (rank[a.id] || 1e9) - (rank[b.id] || 1e9) || a.id - b.id;
    }).forEach(function (activity) { body.appendChild(row(activity)); });
    renderSelection();
    A.byId("voters").textContent = results ? String(results.voters) : "0";
    A.run("consoleRender", state, results);
  }

  function renderTimer() {
    var timer = state.timer || { state: "idle", seconds: null };
    A.showTimer(A.byId("timer"), state);
    var finished = timer.state === "finished";
    A.byId("timer-pause").disabled = timer.state !== "running";
    A.byId("timer-resume").disabled = timer.state !== "paused" && !(timer.state === "idle" && timer.seconds);
    A.byId("timer-add").disabled = timer.state === "idle";
    A.byId("timer-reset").disabled = timer.state === "idle" && !finished;
  }

  function timer(action, seconds) {
    var body = { action: action };
    if (seconds !== undefined) body.seconds = seconds;
    return A.api("POST", base + "/timer", body).then(function (r) {
      if (!r.ok) report(r);
      return r;
    });
  }

  A.connect({ code: code, role: "console" }, {
    workshop_state: function (data) { state = data; renderTimer(); render(); },
    results: function (data) { results = data; render(); },
  });

  Array.prototype.forEach.call(document.querySelectorAll("#phase-buttons button"), function (button) {
    button.addEventListener("click", function () {
      A.api("POST", base + "/phase", { phase: button.getAttribute("data-phase") }).then(report);
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".timer-presets button"), function (button) {
    button.addEventListener("click", function () {
      timer("start", 60 * Number(button.getAttribute("data-minutes")));
    });
  });
  A.byId("timer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var minutes = A.byId("timer-minutes").value.trim();
    // Whole minutes from 1 to 180; the server judges again (in seconds) whatever is sent.
    if (!/^\d+$/.test(minutes) || Number(minutes) < 1 || Number(minutes) > 180) {
      A.notify(message, t.timer_minutes_invalid, "error");
      return;
    }
    timer("start", 60 * Number(minutes));
  });
  A.byId("timer-pause").addEventListener("click", function () { timer("pause"); });
  A.byId("timer-resume").addEventListener("click", function () { timer("start"); });
  A.byId("timer-add").addEventListener("click", function () { timer("add", 60); });
  A.byId("timer-reset").addEventListener("click", function () { timer("reset"); });
  A.byId("select-all").addEventListener("change", function (event) {
    selected = {};
    if (event.target.checked && state) {
      state.activities.forEach(function (a) { if (a.status === "visible") selected[a.id] = true; });
    }
    render();
  });
  A.byId("hide-selection").addEventListener("click", function () {
    var ids = Object.keys(selected).map(Number);
    if (!ids.length || !window.confirm(A.fmt(t.hide_selection_confirm, { count: ids.length }))) return;
    A.api("POST", base + "/activities/hide", { activity_ids: ids }).then(function (r) {
      report(r, r.ok ? A.fmt(t.hidden_done, { count: r.hidden }) : null);
      if (r.ok) { selected = {}; render(); }
    });
  });
  A.byId("live-results").addEventListener("change", function (event) {
    A.api("PATCH", base, { live_results: event.target.checked }).then(report);
  });
  A.byId("group-split").addEventListener("change", function (event) {
    A.api("PATCH", base, { show_group_split: event.target.checked }).then(report);
  });
  A.byId("add-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    A.api("POST", base + "/activities", {
      title: A.byId("a-title").value,
      description: A.byId("a-description").value,
      track: A.byId("a-track").value || null,
    }).then(function (r) {
      report(r);
      if (r.ok) form.reset();
    });
  });
  A.byId("import-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData();
    data.append("file", A.byId("import-file").files[0]);
    A.api("POST", base + "/activities/import", data).then(function (r) {
      if (r.ok) return report(r, A.fmt(t.imported, { count: r.imported }));
      var details = (r.rows || []).slice(0, 5).map(function (row) { return "L" + row.line + ": " + row.message; });
      A.notify(message, [r.message || t.error_generic].concat(details).join(" · "), "error");
    });
  });
})();
