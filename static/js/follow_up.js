/* The console's "Follow-up by organisation" card: links (create with QR, revoke) and the
   changes focal points sent (accept or reject, one by one or the selection). docs/workplan.md */
(function () {
  "use strict";

  var A = window.Atelier;
  var card = A.byId("follow-up");
  if (!card) return;
  var conf = JSON.parse(A.byId("follow-up-config").textContent);
  var s = conf.strings;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code) + "/follow-up";
  var message = A.byId("follow-up-msg");
  var selected = {};
  var pending = [];

  function when(iso) {
    var options = { dateStyle: "medium", timeStyle: "short" };
    return iso ? new Date(iso).toLocaleString(document.documentElement.lang, options) : "";
  }

  function day(isoDate) {
    // the deadline is the end of this day in the room's time zone: show the day as chosen
    var parts = isoDate.split("-").map(Number);
    var noon = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], 12));
    return noon.toLocaleDateString(document.documentElement.lang, { dateStyle: "medium", timeZone: "UTC" });
  }

  function fail(r) {
    A.notify(message, (r && r.message) || A.t.error_generic, "error");
  }

  function renderLinks(r) {
    var select = A.byId("follow-up-organisation");
    var chosen = select.value;
    select.replaceChildren();
    r.organisations.forEach(function (o) {
      var node = A.el("option", { value: o.organisation_key }, [
        o.organisation + " · " + A.fmt(s.commitments, { count: o.commitments }),
      ]);
      node.selected = o.organisation_key === chosen;
      select.appendChild(node);
    });
    if (!r.organisations.length) select.appendChild(A.el("option", { value: "" }, [s.no_organisations]));
    var body = A.byId("follow-up-links");
    body.replaceChildren();
    r.links.forEach(function (link) {
      var state = link.revoked_at ? s.revoked : (link.open ? s.open : s.closed);
      var action = [];
      if (!link.revoked_at) {
        var button = A.el("button", { type: "button", class: "link" }, [s.revoke]);
        button.addEventListener("click", function () { revoke(link); });
        action.push(button);
      }
      body.appendChild(A.el("tr", { class: link.revoked_at ? "link-revoked" : "" }, [
        A.el("td", { dir: "auto" }, [link.organisation]),
        A.el("td", { dir: "auto" }, [link.label || s.no_label]),
        A.el("td", {}, [day(link.deadline_day)]),
        A.el("td", {}, [state]),
        A.el("td", {}, action),
      ]));
    });
    A.byId("follow-up-no-links").hidden = r.links.length > 0;
    A.byId("follow-up-links-table").hidden = r.links.length === 0;
  }

  function describe(change) {
    var lines = change.fields.map(function (f) {
      var words = function (field, value) {
        if (field === "role") return s.roles[value] || value;
        if (field === "status") return s.commitment_status[value] || value;
        return value;
      };
      return A.el("li", { dir: "auto" }, [A.fmt(s.field_change, {
        field: s.field_names[f.field] || f.field,
        before: words(f.field, f.before),
        after: words(f.field, f.after),
      })]);
    });
    if (change.reason) lines.push(A.el("li", { dir: "auto" }, [A.fmt(s.reason, { reason: change.reason })]));
    var parts = [A.el("strong", {}, [s.kinds[change.kind]]), A.el("ul", { class: "change-fields" }, lines)];
    if (change.lands_on) parts.push(A.el("p", { class: "lands-on" }, [A.fmt(s.lands_on, { title: change.lands_on.title })]));
    if (change.blocker) parts.push(A.el("p", { class: "blocker" }, [s.blockers[change.blocker] || change.blocker]));
    return parts;
  }

  function renderChanges() {
    var body = A.byId("follow-up-changes");
    body.replaceChildren();
    pending.forEach(function (change) {
      var box = A.el("input", { type: "checkbox", "aria-label": s.select_change });
      box.checked = !!selected[change.id];
      box.addEventListener("change", function () {
        if (box.checked) selected[change.id] = true;
        else delete selected[change.id];
        toolbar();
      });
      var accept = A.el("button", { type: "button", class: "primary" }, [s.accept]);
      accept.disabled = !!change.blocker;
      accept.addEventListener("click", function () { decide([change.id], "accept"); });
      var reject = A.el("button", { type: "button" }, [s.reject]);
      reject.addEventListener("click", function () { decide([change.id], "reject"); });
      body.appendChild(A.el("tr", { "data-change": String(change.id) }, [
        A.el("td", { class: "col-select" }, [box]),
        A.el("td", { dir: "auto" }, [change.organisation + (change.link_label ? " · " + change.link_label : "")]),
        A.el("td", { dir: "auto" }, [change.activity_title]),
        A.el("td", {}, describe(change)),
        A.el("td", {}, [when(change.created_at)]),
        A.el("td", {}, [A.el("div", { class: "row-actions" }, [accept, reject])]),
      ]));
    });
    A.byId("follow-up-no-changes").hidden = pending.length > 0;
    A.byId("follow-up-changes-table").hidden = pending.length === 0;
    toolbar();
  }

  function toolbar() {
    var count = Object.keys(selected).length;
    A.byId("follow-up-accept").disabled = count === 0;
    A.byId("follow-up-reject").disabled = count === 0;
    A.byId("follow-up-select-all").checked = count > 0 && count === pending.length;
  }

  function load() {
    A.api("GET", base + "/links").then(function (r) {
      if (r && Array.isArray(r.links)) renderLinks(r);
    });
    A.api("GET", base + "/changes?status=pending").then(function (r) {
      if (!r || !Array.isArray(r.changes)) return;
      pending = r.changes;
      var known = {};
      pending.forEach(function (c) { known[c.id] = true; });
      Object.keys(selected).forEach(function (id) { if (!known[id]) delete selected[id]; });
      renderChanges();
    });
  }

  function decide(ids, decision) {
    A.api("POST", base + "/changes/decide", { ids: ids.slice(0, conf.max_bulk), decision: decision }).then(function (r) {
      if (!r || !r.ok) return fail(r);
      var refused = r.results.filter(function (x) { return !x.ok; }).length;
      var done = r.results.length - refused;
      ids.forEach(function (id) { delete selected[id]; });
      if (refused) A.notify(message, A.fmt(s.refused, { count: refused }), "error", 10000);
      else A.notify(message, A.fmt(s.decided, { count: done }), "ok");
      load();
    });
  }

  function revoke(link) {
    if (!window.confirm(s.revoke_confirm)) return;
    A.api("DELETE", base + "/links/" + link.id).then(function (r) {
      if (r && r.ok) load();
      else fail(r);
    });
  }

  A.byId("follow-up-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {
      organisation_key: A.byId("follow-up-organisation").value,
      deadline: A.byId("follow-up-deadline").value,
      label: A.byId("follow-up-label").value,
    };
    A.api("POST", base + "/links", body).then(function (r) {
      if (!r || !r.ok) return fail(r);
      A.byId("follow-up-created").hidden = false;
      A.byId("follow-up-qr").src = r.qr;
      A.byId("follow-up-url").value = r.url;
      A.byId("follow-up-created-text").textContent = s.created;
      A.byId("follow-up-label").value = "";
      load();
    });
  });
  A.byId("follow-up-url").addEventListener("focus", function (event) { event.target.select(); });
  A.byId("follow-up-accept").addEventListener("click", function () {
    decide(Object.keys(selected).map(Number), "accept");
  });
  A.byId("follow-up-reject").addEventListener("click", function () {
    decide(Object.keys(selected).map(Number), "reject");
  });
  A.byId("follow-up-refresh").addEventListener("click", load);
  A.byId("follow-up-select-all").addEventListener("change", function (event) {
    selected = {};
    if (event.target.checked) pending.forEach(function (c) { selected[c.id] = true; });
    renderChanges();
  });

  var version = null;
  A.extend.consoleRender.push(function (state) {
    // the follow-up comes after the room: read again when the plan changed once it is closed
    if (state.version !== version && (version === null || state.phase === "closed")) {
      version = state.version;
      load();
    }
  });
})();
