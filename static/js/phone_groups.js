/* The phone's working group (loaded before phone.js, through its phoneRender hook): the
   group's name and phase, the choice of a group while phones may choose (and the table whose
   QR code the phone scanned, ?table=), and the other groups' activities, read-only, fetched
   over HTTP when unfolded. The group's own activities are the phone's list (phone.js): its
   room sends only them. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var T = t.tables;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var asked = Number(new URLSearchParams(window.location.search).get("table")) || null;
  var autoTried = false;
  var choosing = false;
  var listTitle = null; // the list's own title ("Activities"), kept for a phone without group
  var others = {}; // group id -> its <details>, kept between renders (open stays open)
  var othersKey = "";
  var notice = A.byId("notice");

  function nameOf(group) {
    return (group.names && group.names[A.lang]) || group.name;
  }

  function groupWork(state) {
    return state.phase === "setup" || state.phase === "proposing";
  }

  function choose(group) {
    if (choosing) return;
    choosing = true;
    A.api("PUT", base + "/me/working-group", { working_group_id: group.id }).then(function (answer) {
      choosing = false;
      if (answer && answer.ok) {
        A.notify(notice, A.fmt(T.chosen, { name: nameOf(group) }), "ok");
        if (A.socket) A.socket.emit("sync", {}); // the room moves with the participant
      } else {
        A.notify(notice, (answer && answer.message) || t.error_generic, "error");
      }
    });
  }

  function renderChoice(state, me) {
    var box = A.byId("choose-group");
    var groups = state.working_groups || [];
    var open = !me.working_group_id && !state.working_group && !!state.working_group_choice &&
      groups.length > 0 && groupWork(state);
    box.hidden = !open;
    if (!open) return;
    if (asked && !autoTried && groups.some(function (g) { return g.id === asked; })) {
      autoTried = true; // the table's QR code: seat the phone there, once
      choose(groups.filter(function (g) { return g.id === asked; })[0]);
    }
    var list = A.byId("choose-group-list");
    list.textContent = "";
    groups.forEach(function (group) {
      list.appendChild(el("button", {
        type: "button", className: "choose-group-button", dir: "auto",
        onclick: function () { choose(group); },
      }, [A.fmt(T.join_group, { name: nameOf(group) })]));
    });
  }

  function loadOthers(group, details) {
    var body = details.querySelector(".other-group-body");
    body.textContent = "";
    body.appendChild(el("p", { className: "hint", text: T.loading }));
    A.api("GET", base + "/working-groups/" + group.id + "/activities").then(function (answer) {
      body.textContent = "";
      if (!answer || answer.ok === false || !Array.isArray(answer.activities)) {
        body.appendChild(el("p", { className: "hint", text: (answer && answer.message) || t.error_generic }));
        return;
      }
      if (!answer.activities.length) {
        body.appendChild(el("p", { className: "hint", text: T.none_at_table }));
        return;
      }
      var list = el("ul", { className: "other-group-list" });
      answer.activities.forEach(function (activity) {
        list.appendChild(el("li", { dir: "auto", text: A.word("activities", activity, "title") }));
      });
      body.appendChild(list);
    });
  }

  function renderOthers(state, mineId) {
    var section = A.byId("other-groups");
    var groups = (state.working_groups || []).filter(function (g) { return g.id !== mineId; });
    section.hidden = !mineId || !groups.length || !groupWork(state);
    if (section.hidden) return;
    var key = groups.map(function (g) { return g.id + ":" + nameOf(g); }).join("|");
    if (key === othersKey) return;
    othersKey = key;
    var list = A.byId("other-groups-list");
    list.textContent = "";
    others = {};
    groups.forEach(function (group) {
      var details = el("details", { className: "other-group" }, [
        el("summary", { dir: "auto", text: nameOf(group) }),
        el("div", { className: "other-group-body" }),
      ]);
      details.addEventListener("toggle", function () {
        if (details.open) loadOthers(group, details); // read afresh each time it is unfolded
      });
      others[group.id] = details;
      list.appendChild(details);
    });
  }

  A.extend.phoneRender.push(function (state, me) {
    var mine = state.working_group || null; // the phone's group, in its group's room
    var banner = A.byId("my-group");
    banner.hidden = !mine;
    if (mine) {
      A.byId("my-group-name").textContent = A.fmt(T.your_group, { name: nameOf(mine) });
      var phase = groupWork(state) ? t.wg.phases[mine.phase] || mine.phase : t.phases[state.phase];
      A.byId("my-group-phase").textContent = A.fmt(T.group_phase, { phase: phase });
      banner.setAttribute("data-phase", mine.phase);
      if (groupWork(state) && mine.phase === "prevote") A.byId("phase-hint").textContent = T.phone_prevote_hint;
      var clock = A.byId("timer");
      if (mine.timer && mine.timer.seconds !== null && groupWork(state)) {
        A.showTimer(clock, { timer: mine.timer, server_time: state.server_time });
      }
    }
    // a group made from a track proposes into that track: the phone does not ask for one
    var track = mine && groupWork(state) ? mine.track_id : null;
    if (track) {
      A.byId("p-track-row").hidden = true;
      A.byId("p-track").value = String(track);
    }
    if (listTitle === null) listTitle = A.byId("list-title").textContent;
    A.byId("list-title").textContent = mine && groupWork(state) ? T.group_activities : listTitle;
    renderChoice(state, me);
    renderOthers(state, mine ? mine.id : null);
  });
})();
