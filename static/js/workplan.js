/* Commitments and the workplan: phones commit their organisation, the console retains
   activities and confirms commitments, the big screen shows the emerging workplan.
   A feature script: it only hooks into A.extend. The server judges every rule. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var role = A.config.role;
  var ROLES = A.limits.role_order;

  function activityOf(state, id) {
    for (var i = 0; i < state.activities.length; i += 1) {
      if (state.activities[i].id === id) return state.activities[i];
    }
    return null;
  }

  function isRetained(state, id) {
    return !!state.workplan && state.workplan.retained_ids.indexOf(id) !== -1;
  }

  function rowOf(state, id) {
    var rows = (state.workplan && state.workplan.rows) || [];
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i].activity_id === id) return rows[i];
    }
    return null;
  }

  /** "Brought by <groups>": the working groups whose roll-up put the activity on the
      plenary's ballot (the workplan row's brought_by, from services/workplan.py). */
  function broughtBy(state, row, t) {
    var ids = (row && row.brought_by) || [];
    var groups = state.working_groups || [];
    var names = ids.map(function (id) {
      var g = groups.filter(function (x) { return x.id === id; })[0];
      return g ? (g.names && g.names[A.lang]) || g.name : "";
    }).filter(Boolean);
    return names.length ? el("small", { className: "brought-by", dir: "auto", text: A.fmt(t.brought_by, { groups: names.join(", ") }) }) : null;
  }

  function commitmentsOf(state, activityId) {
    return (state.commitments || []).filter(function (c) { return c.activity_id === activityId; });
  }

  /** "OIT, GIZ (to confirm)" as nodes: confirmed ones plain, others marked. */
  function organisations(records) {
    var span = el("span", { className: "orgs" });
    records.forEach(function (r, index) {
      if (index) span.appendChild(document.createTextNode(", "));
      var confirmed = r.status === "confirmed";
      span.appendChild(el("span", {
        className: confirmed ? "org" : "org tbc", dir: "auto",
        title: confirmed ? t.confirmed : t.to_confirm,
      }, [r.organisation + (confirmed ? " ✓" : "")]));
    });
    return span;
  }

  function report(node, response, okText) {
    if (response && response.ok) A.notify(node, okText || t.saved, "ok");
    else A.notify(node, (response && response.message) || t.error_generic, "error");
    return response;
  }

  // -- phones -----------------------------------------------------------------------------

  function phone() {
    var state = null;
    var me = null;
    var openId = null;
    var notice = A.byId("notice");
    var banner = el("p", { className: "commit-banner", hidden: true, dir: "auto" });
    A.byId("list-title").insertAdjacentElement("beforebegin", banner);

    var heading = el("p", { className: "sheet-activity", dir: "auto" });
    var roleBox = el("fieldset", { className: "roles" }, [el("legend", { text: t.role })]);
    ROLES.forEach(function (key) {
      roleBox.appendChild(el("label", { className: "choice" }, [
        el("input", { type: "radio", name: "commit-role", value: key, required: true }),
        " " + t.roles[key],
      ]));
    });
    var timeframe = el("input", { id: "k-timeframe", maxlength: String(A.limits.timeframe_max), list: "k-timeframes", dir: "auto", autocomplete: "off" });
    var timeframes = el("datalist", { id: "k-timeframes" });
    (t.timeframes || []).forEach(function (value) { timeframes.appendChild(el("option", { value: value })); });
    var note = el("input", { id: "k-note", maxlength: String(A.limits.note_max), dir: "auto", autocomplete: "off" });
    var save = el("button", { type: "submit", className: "primary", text: t.save });
    var withdraw = el("button", { type: "button", className: "link danger", text: t.withdraw_commitment });
    var form = el("form", { className: "sheet-form" }, [
      roleBox,
      el("label", { "for": "k-timeframe", text: t.timeframe_optional }), timeframe, timeframes,
      el("label", { "for": "k-note", text: t.note_optional }), note,
      save, withdraw,
    ]);
    var title = el("h2", { id: "commit-sheet-title" });
    var sheet = el("section", { className: "sheet", id: "commit-sheet", hidden: true, role: "dialog", "aria-modal": "false", "aria-labelledby": "commit-sheet-title" }, [
      el("div", { className: "sheet-head" }, [title, el("button", { type: "button", className: "link", text: t.close, onclick: close })]),
      heading,
      form,
    ]);
    document.body.appendChild(sheet);

    function mineOn(activityId) {
      if (!state || !me) return null;
      var found = commitmentsOf(state, activityId).filter(function (c) { return c.organisation_key === me.organisation_key; });
      return found.length ? found[0] : null;
    }

    function open(activity) {
      openId = activity.id;
      var current = mineOn(activity.id);
      title.textContent = A.fmt(t.commit_for, { organisation: me ? me.organisation : "" });
      heading.textContent = A.word("activities", activity, "title");
      Array.prototype.forEach.call(form.querySelectorAll("input[name=commit-role]"), function (input) {
        input.checked = current ? input.value === current.role : false;
      });
      timeframe.value = current ? current.timeframe : "";
      note.value = current ? current.note : "";
      withdraw.hidden = !current;
      sheet.hidden = false;
    }

    function close() {
      sheet.hidden = true;
      openId = null;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=commit-role]:checked");
      save.disabled = true;
      A.notify(notice, t.sending);
      A.act("make_commitment", {
        activity_id: openId,
        role: chosen ? chosen.value : null,
        timeframe: timeframe.value,
        note: note.value,
      }, function (ack) {
        save.disabled = false;
        report(notice, ack, t.commitment_saved);
        if (ack && ack.ok) close();
      });
    });
    withdraw.addEventListener("click", function () {
      A.notify(notice, t.sending);
      A.act("withdraw_commitment", { activity_id: openId }, function (ack) {
        report(notice, ack, t.commitment_withdrawn);
        if (ack && ack.ok) close();
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !sheet.hidden) close();
    });

    function committable(snapshot, activity) {
      return snapshot.workplan.committable_ids.indexOf(activity.id) !== -1;
    }

    A.extend.phoneActivity.push(function (li, activity, snapshot, myState) {
      state = snapshot;
      me = myState;
      var row = rowOf(snapshot, activity.id);
      li.classList.toggle("is-retained", !!row);
      if (row) {
        li.insertBefore(el("span", { className: "badge retained-badge", text: t.retained_badge }), li.children[1] || null);
        var lead = el("p", { className: "lead-line" }, [t.roles.lead + ": "]);
        if (row.lead.length) lead.appendChild(organisations(row.lead));
        else lead.appendChild(el("span", { className: "gap", text: t.no_lead_yet }));
        li.insertBefore(lead, li.querySelector(".feature-actions"));
      }
      if (!committable(snapshot, activity)) return;
      var bar = li.querySelector(".feature-actions") || li.appendChild(el("div", { className: "feature-actions" }));
      var current = mineOn(activity.id);
      if (current) {
        bar.appendChild(el("span", { className: "my-commitment", dir: "auto" }, [
          me.organisation + " · " + t.roles[current.role] + " · " + (current.status === "confirmed" ? t.confirmed + " ✓" : t.to_confirm),
        ]));
      }
      bar.appendChild(el("button", {
        type: "button", className: current ? "commit-btn" : "commit-btn primary",
        onclick: function () { open(activity); },
      }, [current ? t.change : t.commit]));
    });

    A.extend.phoneRender.push(function (snapshot, myState) {
      state = snapshot;
      me = myState;
      var openNow = !!snapshot.commitments_open && !!me && !!me.organisation;
      banner.hidden = !openNow;
      if (openNow) banner.textContent = A.fmt(t.commitments_open_banner, { organisation: me.organisation });
      if (openId !== null) {
        var activity = activityOf(snapshot, openId);
        if (!activity || !committable(snapshot, activity)) close();
      }
    });
  }

  // -- the console ------------------------------------------------------------------------

  function consoleView() {
    var code = A.config.code;
    var base = "/api/workshops/" + encodeURIComponent(code);
    var message = A.byId("console-msg");
    var state = null;
    var editing = null; // id of the commitment being edited: the table waits

    function patch(body) {
      return A.api("PATCH", base, body).then(function (r) { return report(message, r); });
    }

    var openBox = el("input", { type: "checkbox", id: "commitments-open" });
    var phaseHint = el("small", { className: "hint", text: t.commitments_phase_hint });
    var showBox = el("input", { type: "checkbox", id: "show-workplan" });
    // A snapshot that left before this click must not undo it: while a toggle's change is on
    // its way, snapshots leave that box alone (the next one after the answer sets it).
    var pending = { open: 0, show: 0 };
    openBox.addEventListener("change", function () {
      pending.open += 1;
      patch({ commitments_open: openBox.checked }).then(function (r) {
        pending.open -= 1;
        if (!r.ok) openBox.checked = !openBox.checked;
      });
    });
    showBox.addEventListener("change", function () {
      pending.show += 1;
      patch({ show_workplan: showBox.checked }).then(function (r) {
        pending.show -= 1;
        if (!r.ok) showBox.checked = !showBox.checked;
      });
    });

    var count = el("input", { type: "number", id: "retain-count", min: "1", max: String(A.limits.retain_max), value: "10", inputmode: "numeric", className: "narrow-input" });
    var ranking = el("select", { id: "retain-ranking" });
    var perTrack = el("input", { type: "checkbox", id: "retain-per-track" });
    var retainForm = el("form", { className: "retain-form" }, [
      el("label", { "for": "retain-count", text: t.retain_top }), count,
      el("label", { "for": "retain-ranking", text: t.ranking_by }), ranking,
      el("label", { className: "choice" }, [perTrack, " " + t.per_track]),
      el("button", { type: "submit", className: "primary", text: t.retain }),
    ]);
    retainForm.addEventListener("submit", function (event) {
      event.preventDefault();
      A.api("POST", base + "/workplan/top", {
        count: count.value, ranking: ranking.value, per_track: perTrack.checked,
      }).then(function (r) {
        report(message, r, r.ok ? A.fmt(t.retained_done, { count: r.retained_ids.length }) : null);
      });
    });

    var issues = el("ul", { className: "issues" });
    var table = el("tbody");
    //: the commitments table's columns: a class for each (widths in workplan.css) and its header
    var COLUMNS = [["activity", t.activity], ["organisation", t.organisation], ["group", t.group], ["role", t.role],
      ["timeframe", t.timeframe], ["note", t.note], ["status", t.status], ["actions", t.actions]];
    function confirmProposed(activityId) {
      var body = activityId === undefined ? {} : { activity_id: activityId };
      return A.api("POST", base + "/commitments/confirm", body).then(function (r) {
        report(message, r, r.ok ? A.fmt(t.confirmed_done, { count: r.confirmed }) : null);
      });
    }
    var confirmAll = el("button", { type: "button", id: "confirm-all", className: "primary", hidden: true, onclick: function () { confirmProposed(); } });
    var addActivity = el("select", { id: "k-activity" });
    var addOrg = el("input", { id: "k-organisation", maxlength: String(A.limits.organisation_max), dir: "auto", list: "k-organisations", required: true });
    var orgList = el("datalist", { id: "k-organisations" });
    var addGroup = el("select", { id: "k-group" });
    var addRole = el("select", { id: "k-role" });
    ROLES.forEach(function (key) { addRole.appendChild(el("option", { value: key, text: t.roles[key] })); });
    var addTime = el("input", { id: "k-time", maxlength: String(A.limits.timeframe_max), dir: "auto", list: "k-timeframes" });
    var timeframes = el("datalist", { id: "k-timeframes" });
    (t.timeframes || []).forEach(function (value) { timeframes.appendChild(el("option", { value: value })); });
    var addNote = el("input", { id: "k-note", maxlength: String(A.limits.note_max), dir: "auto" });
    var addForm = el("form", { className: "add-commitment" }, [
      el("label", { "for": "k-activity", text: t.activity }), addActivity,
      el("label", { "for": "k-organisation", text: t.organisation }), addOrg, orgList,
      el("label", { "for": "k-group", text: t.group }), addGroup,
      el("label", { "for": "k-role", text: t.role }), addRole,
      el("label", { "for": "k-time", text: t.timeframe }), addTime, timeframes,
      el("label", { "for": "k-note", text: t.note }), addNote,
      el("button", { type: "submit", className: "primary", text: t.add }),
    ]);
    addForm.addEventListener("submit", function (event) {
      event.preventDefault();
      A.api("POST", base + "/commitments", {
        activity_id: Number(addActivity.value), organisation: addOrg.value, group: addGroup.value || null,
        role: addRole.value, timeframe: addTime.value, note: addNote.value, confirmed: true,
      }).then(function (r) {
        report(message, r);
        if (r.ok) { addOrg.value = ""; addTime.value = ""; addNote.value = ""; }
      });
    });

    var card = el("section", { className: "card span3 feature-card", id: "workplan-card" }, [
      el("h2", { text: t.workplan_console }),
      el("div", { className: "toggles" }, [
        el("label", { className: "choice" }, [openBox, " " + t.commitments_open]), phaseHint,
        el("label", { className: "choice" }, [showBox, " " + t.show_workplan]),
      ]),
      retainForm,
      el("h3", { text: t.issues }),
      issues,
      el("h3", { text: t.commitments }),
      el("div", { className: "table-toolbar" }, [confirmAll]),
      // its own id and classes: no other feature's columns can land in this table
      el("div", { className: "table-scroll" }, [
        el("table", { className: "console-table commitments-table", id: "commitments-table" }, [
          el("thead", {}, [el("tr", {}, COLUMNS.map(function (c) { return el("th", { className: "col-" + c[0], text: c[1] }); }))]),
          table,
        ]),
      ]),
      el("details", { className: "add-details" }, [el("summary", { text: t.add_commitment }), addForm]),
    ]);
    var links = [
      ["/f/" + encodeURIComponent(code) + "/report", t.report, false],
      [base + "/export.zip", t.zip, true],
      [base + "/export/workplan.xlsx", t.workplan_xlsx, true],
      [base + "/export/workplan.csv", t.workplan_csv, true],
      [base + "/export/commitments.csv", t.commitments_csv, true],
      [base + "/export/comments.csv", t.comments_csv, true],
    ];
    var outputs = el("section", { className: "card feature-card", id: "outputs-card" }, [
      el("h2", { text: t.outputs }),
      el("ul", { className: "exports" }, links.map(function (link) {
        return el("li", {}, [el("a", { href: link[0], download: link[2], target: link[2] ? null : "_blank", rel: "noopener", text: link[1] })]);
      })),
    ]);
    var activitiesCard = A.byId("activities").closest("section");
    activitiesCard.insertAdjacentElement("beforebegin", card);
    activitiesCard.insertAdjacentElement("beforebegin", outputs);

    function options(select, items, keepEmpty) {
      var signature = JSON.stringify(items);
      if (select.getAttribute("data-signature") === signature || document.activeElement === select) return;
      var value = select.value;
      select.textContent = "";
      if (keepEmpty) select.appendChild(el("option", { value: "", text: t.no_group }));
      items.forEach(function (item) { select.appendChild(el("option", { value: String(item[0]), text: item[1] })); });
      if (value) select.value = value;
      select.setAttribute("data-signature", signature);
    }

    function renderIssues() {
      var found = state.workplan.issues;
      issues.textContent = "";
      found.no_lead.forEach(function (id) {
        issues.appendChild(el("li", { className: "issue-gap", dir: "auto", text: A.fmt(t.issue_no_lead, { title: A.titleOf(state, id, "#" + id) }) }));
      });
      found.lead_conflicts.forEach(function (id) {
        var leads = rowOf(state, id).lead.map(function (c) { return c.organisation; }).join(", ");
        issues.appendChild(el("li", { className: "issue-conflict", dir: "auto", text: A.fmt(t.issue_conflict, { title: A.titleOf(state, id, "#" + id), organisations: leads }) }));
      });
      found.overcommitted.forEach(function (o) {
        issues.appendChild(el("li", { className: "issue-load", dir: "auto", text: A.fmt(t.issue_load, o) }));
      });
      if (found.outside_workplan) issues.appendChild(el("li", { text: A.fmt(t.issue_outside, { count: found.outside_workplan }) }));
      if (found.to_confirm) issues.appendChild(el("li", { text: A.fmt(t.issue_to_confirm, { count: found.to_confirm }) }));
      if (!issues.childNodes.length) {
        issues.appendChild(el("li", { className: "hint", text: state.workplan.retained_ids.length ? t.no_issue : t.no_retained }));
      }
    }

    function editRow(c, tr) {
      editing = c.id;
      var activityCell = tr.querySelector("td[rowspan]");
      tr.textContent = "";
      var org = el("input", { maxlength: String(A.limits.organisation_max), dir: "auto", value: c.organisation, "aria-label": t.organisation });
      var group = el("select", { "aria-label": t.group });
      group.appendChild(el("option", { value: "", text: t.no_group }));
      state.groups.forEach(function (g) { group.appendChild(el("option", { value: String(g.group_id), text: A.word("groups", g, "name") })); });
      group.value = c.group_id ? String(c.group_id) : "";
      var roleSelect = el("select", { "aria-label": t.role });
      ROLES.forEach(function (key) { roleSelect.appendChild(el("option", { value: key, text: t.roles[key] })); });
      roleSelect.value = c.role;
      var time = el("input", { maxlength: String(A.limits.timeframe_max), dir: "auto", value: c.timeframe, list: "k-timeframes", "aria-label": t.timeframe });
      var noteInput = el("input", { maxlength: String(A.limits.note_max), dir: "auto", value: c.note, "aria-label": t.note });
      var saveButton = el("button", { type: "button", className: "primary", text: t.save, onclick: function () {
        A.api("PATCH", base + "/commitments/" + c.id, {
          organisation: org.value, group: group.value || null, role: roleSelect.value, timeframe: time.value, note: noteInput.value,
        }).then(function (r) {
          report(message, r);
          if (r.ok) { editing = null; renderCommitments(); }
        });
      } });
      var cancel = el("button", { type: "button", text: t.cancel, onclick: function () { editing = null; renderCommitments(); } });
      // the activity's cell spans its commitments' rows: only the first row has it, and keeps it
      if (activityCell) tr.appendChild(activityCell);
      [org, group, roleSelect, time, noteInput].forEach(function (input, index) {
        tr.appendChild(el("td", { className: "col-" + COLUMNS[index + 1][0] }, [input]));
      });
      tr.appendChild(el("td", { className: "col-status" }));
      tr.appendChild(el("td", { className: "col-actions" }, [saveButton, cancel]));
    }

    function commitmentRow(c, first, span, proposed) {
      var confirmed = c.status === "confirmed";
      var tr = el("tr", { className: confirmed ? "" : "is-tbc" });
      if (first) {
        var row = rowOf(state, c.activity_id);
        var cell = el("td", { rowspan: String(span), className: "col-activity" }, [el("span", { dir: "auto", text: A.titleOf(state, c.activity_id, "#" + c.activity_id) })]);
        var from = broughtBy(state, row, t);
        if (from) cell.appendChild(from);
        if (row) row.gaps.forEach(function (gap) { cell.appendChild(el("span", { className: "gap-badge gap-" + gap, text: t.gaps[gap] })); });
        if (proposed > 1) {
          cell.appendChild(el("button", { type: "button", className: "confirm-activity", text: A.fmt(t.confirm_all, { count: proposed }),
            onclick: function () { confirmProposed(c.activity_id); } }));
        }
        tr.appendChild(cell);
      }
      tr.appendChild(el("td", { className: "col-organisation", dir: "auto", text: c.organisation }));
      tr.appendChild(el("td", { className: "col-group", dir: "auto", text: c.group_id ? A.groupName(state, c.group_id) : "" }));
      tr.appendChild(el("td", { className: "col-role", text: t.roles[c.role] }));
      tr.appendChild(el("td", { className: "col-timeframe", dir: "auto", text: c.timeframe }));
      tr.appendChild(el("td", { className: "col-note", dir: "auto", text: c.note }));
      tr.appendChild(el("td", { className: "col-status" }, [confirmed ? t.confirmed + " ✓" : t.to_confirm, c.made_by ? el("small", { text: c.made_by }) : el("small", { text: t.made_by_facilitator })]));
      tr.appendChild(el("td", { className: "actions col-actions" }, [
        el("button", { type: "button", className: confirmed ? "" : "primary", text: confirmed ? t.unconfirm : t.confirm, onclick: function () {
          A.api("PATCH", base + "/commitments/" + c.id, { confirmed: !confirmed }).then(function (r) { report(message, r); });
        } }),
        el("button", { type: "button", text: t.edit, onclick: function () { editRow(c, tr); } }),
        el("button", { type: "button", text: t.remove, onclick: function () {
          if (!window.confirm(t.remove_confirm)) return;
          A.api("DELETE", base + "/commitments/" + c.id).then(function (r) { report(message, r); });
        } }),
      ]));
      return tr;
    }

    function renderCommitments() {
      if (editing !== null) return;
      table.textContent = "";
      var byActivity = {};
      var order = [];
      state.commitments.forEach(function (c) {
        if (!byActivity[c.activity_id]) { byActivity[c.activity_id] = []; order.push(c.activity_id); }
        byActivity[c.activity_id].push(c);
      });
      order.sort(function (a, b) { return (isRetained(state, b) ? 1 : 0) - (isRetained(state, a) ? 1 : 0) || a - b; });
      var waiting = 0;
      order.forEach(function (id) {
        var proposed = byActivity[id].filter(function (c) { return c.status !== "confirmed"; }).length;
        waiting += proposed;
        byActivity[id].forEach(function (c, index) { table.appendChild(commitmentRow(c, index === 0, byActivity[id].length, proposed)); });
      });
      confirmAll.textContent = A.fmt(t.confirm_all_plan, { count: waiting });
      confirmAll.hidden = waiting === 0;
      if (!order.length) table.appendChild(el("tr", {}, [el("td", { colspan: String(COLUMNS.length), className: "hint", text: t.no_commitment })]));
    }

    A.extend.consoleRow.push(function (tr, activity, snapshot) {
      if (activity.status !== "visible") return;
      var retained = isRetained(snapshot, activity.id);
      var actions = tr.lastChild;
      actions.appendChild(el("button", {
        type: "button", className: retained ? "primary retain-btn" : "retain-btn", "aria-pressed": retained ? "true" : "false",
        text: retained ? t.retained : t.retain,
        onclick: function () {
          A.api(retained ? "DELETE" : "PUT", base + "/workplan/activities/" + activity.id).then(function (r) { report(message, r); });
        },
      }));
      var cell = tr.querySelector(".col-title");
      var row = rowOf(snapshot, activity.id);
      if (row && cell) {
        var summary = el("small", { className: "commit-summary" });
        ROLES.forEach(function (key) {
          if (!row[key].length) return;
          summary.appendChild(document.createTextNode(t.roles[key] + ": "));
          summary.appendChild(organisations(row[key]));
          summary.appendChild(document.createTextNode("  "));
        });
        row.gaps.forEach(function (gap) { summary.appendChild(el("span", { className: "gap-badge gap-" + gap, text: t.gaps[gap] })); });
        cell.appendChild(summary);
      }
    });

    A.extend.consoleRender.push(function (snapshot) {
      state = snapshot;
      var possible = state.phase === "voting" || state.phase === "closed";
      if (!pending.open) openBox.checked = !!state.commitments_open;
      openBox.disabled = !possible && !state.commitments_open;
      phaseHint.hidden = possible;
      if (!pending.show) showBox.checked = !!state.show_workplan;
      options(ranking, state.workplan.rankings.map(function (name) { return [name, (t.rankings && t.rankings[name]) || name]; }), false);
      var visible = state.activities.filter(function (a) { return a.status === "visible"; });
      visible.sort(function (a, b) { return (isRetained(state, b.id) ? 1 : 0) - (isRetained(state, a.id) ? 1 : 0) || a.id - b.id; });
      options(addActivity, visible.map(function (a) { return [a.id, (isRetained(state, a.id) ? "★ " : "") + A.word("activities", a, "title")]; }), false);
      options(addGroup, state.groups.map(function (g) { return [g.group_id, A.word("groups", g, "name")]; }), true);
      var seen = {};
      orgList.textContent = "";
      state.activities.forEach(function (a) { if (a.proposed_by) seen[a.proposed_by.organisation] = true; });
      state.commitments.forEach(function (c) { seen[c.organisation] = true; });
      Object.keys(seen).sort().forEach(function (name) { orgList.appendChild(el("option", { value: name })); });
      renderIssues();
      renderCommitments();
    });
  }

  // -- the big screen ---------------------------------------------------------------------

  function screen() {
    var stats = el("p", { className: "workplan-stats" });
    var grid = el("div", { className: "workplan-grid" });
    var empty = el("p", { className: "hint", text: t.no_retained });
    var section = el("section", { id: "workplan-section", className: "workplan-section", hidden: true }, [
      el("h2", { text: t.workplan }), stats, empty, grid,
    ]);
    document.querySelector(".screen-main").appendChild(section);

    function roleLine(row, key) {
      if (!row[key].length) return null;
      return el("p", { className: "role-line role-" + key }, [el("span", { className: "role-name", text: t.roles[key] + " " }), organisations(row[key])]);
    }

    A.extend.screenRender.push(function (state) {
      var show = !!state.show_workplan;
      section.hidden = !show;
      document.body.classList.toggle("shows-workplan", show);
      if (!show) return;
      A.byId("results-section").hidden = true;
      A.byId("proposals-section").hidden = true;
      var rows = state.workplan.rows;
      var withLead = rows.filter(function (r) { return r.lead.length > 0; }).length;
      stats.textContent = A.fmt(t.retained_count, { count: rows.length }) + " · " + A.fmt(t.with_lead, { count: withLead, total: rows.length }) + " · " + t.confirmed_legend;
      empty.hidden = rows.length > 0;
      grid.textContent = "";
      grid.classList.toggle("by-track", state.tracks.length > 0);
      var column = grid;
      var currentTrack;
      rows.forEach(function (row) {
        if (state.tracks.length && row.track_id !== currentTrack) {
          currentTrack = row.track_id;
          column = el("div", { className: "track-column" }, [
            // the heading follows the page's direction; the name keeps its own (an isolate)
            el("h3", { className: "track-heading" }, [el("bdi", { text: A.trackName(state, row.track_id, t.no_track) })]),
          ]);
          grid.appendChild(column);
        }
        var card = el("article", { className: "plan-card" + (row.gaps.length ? " has-gap" : "") });
        card.appendChild(el("h4", { dir: "auto", text: A.titleOf(state, row.activity_id, "#" + row.activity_id) }));
        if (row.gaps.indexOf("no_lead") !== -1) card.appendChild(el("p", { className: "gap", text: t.no_lead_yet }));
        if (row.gaps.indexOf("lead_conflict") !== -1) card.appendChild(el("p", { className: "conflict", text: t.gaps.lead_conflict }));
        ROLES.forEach(function (key) { var line = roleLine(row, key); if (line) card.appendChild(line); });
        if (row.timeframe) card.appendChild(el("p", { className: "timeframe", dir: "auto", text: t.timeframe + ": " + row.timeframe }));
        column.appendChild(card);
      });
      fit();
    });

    /** Shrink the workplan until it fits the projector: a big screen cannot scroll. */
    function fit() {
      var size = 0.8;
      section.style.fontSize = size + "em";
      while (section.getBoundingClientRect().bottom > window.innerHeight && size > 0.45) {
        size -= 0.05;
        section.style.fontSize = size.toFixed(2) + "em";
      }
    }
    window.addEventListener("resize", function () { if (!section.hidden) fit(); });
  }

  if (role === "phone") phone();
  else if (role === "console") consoleView();
  else if (role === "screen") screen();
})();
