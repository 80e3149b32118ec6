/* Phone: "is it one of these?" while a proposal is typed, and what a merge did to my votes.
   Loaded before phone.js; uses the A.extend hooks (common.js). */
(function () {
  "use strict";

  var A = window.Atelier;
  var S = A.t.similar;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var state = null;
  var SEEN_KEY = "atelier_seen_merges_" + A.config.code;

  function fmt(template, params) {
    return A.fmt(template, params).replace(/%%/g, "%");
  }

  // -- suggestions while typing ------------------------------------------------------------

  var form = A.byId("propose-form");
  var title = A.byId("p-title");
  var description = A.byId("p-description");
  var box = el("div", { id: "similar", className: "similar", hidden: true, role: "region", "aria-live": "polite" });
  // After the form's own button: phone.js disables the form's first button while sending.
  form.appendChild(box);
  var timer = null;
  var asked = 0; // only the answer to the latest question is shown
  var shown = [];

  function goTo(activityId) {
    var item = document.querySelector('#activities [data-activity-id="' + activityId + '"]');
    if (!item) return;
    item.scrollIntoView({ behavior: "smooth", block: "center" });
    item.classList.remove("flash");
    void item.offsetWidth; // restart the animation
    item.classList.add("flash");
    item.setAttribute("tabindex", "-1");
    item.focus({ preventScroll: true });
  }

  function show(candidates) {
    shown = candidates.filter(function (c) { return A.titleOf(state, c.activity_id, null) !== null; });
    box.textContent = "";
    box.hidden = shown.length === 0;
    if (box.hidden) return;
    box.appendChild(el("p", { className: "similar-head", text: S.is_it_one }));
    var list = el("ul", { className: "similar-list" });
    shown.forEach(function (c) {
      list.appendChild(el("li", {}, [
        el("span", { className: "similar-title", dir: "auto", text: A.titleOf(state, c.activity_id, null) }),
        el("button", { type: "button", className: "similar-go", text: S.go_to_it, onclick: function () { goTo(c.activity_id); } }),
      ]));
    });
    box.appendChild(list);
    if (state && state.phase !== "voting") box.appendChild(el("p", { className: "similar-hint", text: S.when_voting }));
    box.appendChild(el("button", { type: "submit", className: "link similar-anyway", text: S.propose_anyway }));
  }

  function ask() {
    var text = title.value.trim() + " " + description.value.trim();
    if (text.trim().length < 4) return show([]);
    asked += 1;
    var mine = asked;
    A.api("POST", base + "/similar", { title: title.value, description: description.value }).then(function (r) {
      if (mine !== asked) return;
      show(r && r.ok ? r.candidates : []);
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(ask, 350); // a pause in typing
  }

  title.addEventListener("input", schedule);
  description.addEventListener("input", schedule);
  form.addEventListener("reset", function () { asked += 1; show([]); });

  A.extend.phoneActivity.push(function (li, activity) {
    li.setAttribute("data-activity-id", String(activity.id));
  });

  // -- what a merge did ----------------------------------------------------------------------

  var notices = el("div", { id: "merge-notices", className: "merge-notices", "aria-live": "polite" });
  var anchor = A.byId("notice");
  anchor.parentNode.insertBefore(notices, anchor.nextSibling);

  function seen() {
    try { return JSON.parse(window.localStorage.getItem(SEEN_KEY) || "[]"); } catch (e) { return []; }
  }

  function markSeen(id) {
    var list = seen().concat([id]).slice(-100);
    try { window.localStorage.setItem(SEEN_KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  function renderNotices(me) {
    var merges = (me && me.merges) || [];
    var already = seen();
    notices.textContent = "";
    merges.forEach(function (m) {
      if (already.indexOf(m.merge_id) !== -1) return;
      // the kept activity in this phone's words (the merged ones are gone from the snapshot)
      var target = A.titleOf(state, m.target_id, m.target_title);
      var text = fmt(S.merged_notice, { sources: m.source_titles.join("”, “"), target: target });
      var parts = [el("p", { dir: "auto", text: text })];
      if (m.returned > 0) parts.push(el("p", { className: "merge-returned", text: fmt(S.returned, { count: m.returned }) }));
      parts.push(el("button", { type: "button", className: "primary", text: S.understood, onclick: function () {
        markSeen(m.merge_id);
        renderNotices(me);
      } }));
      notices.appendChild(el("div", { className: "notice notice-ok merge-notice", "data-merge-id": String(m.merge_id) }, parts));
    });
  }

  A.extend.phoneRender.push(function (nextState, me) {
    state = nextState;
    renderNotices(me);
    if (shown.length) show(shown); // titles may have changed, or an activity gone
  });
})();
