/* Console: likely duplicates to review, merging them, and undoing a merge.
   Loaded before console.js; uses the A.extend hooks (common.js). */
(function () {
  "use strict";

  var A = window.Atelier;
  var M = A.t.merge;
  var el = A.el;
  var base = "/api/workshops/" + encodeURIComponent(A.config.code);
  var DISMISSED_KEY = "atelier_not_duplicates_" + A.config.code;
  var state = null;
  var results = null;
  var report = null; // the last answer of GET /duplicates
  var signature = null; // the texts the report was computed from
  var timer = null;
  var chosen = {}; // cluster key -> activity id to keep
  var card = null;
  var message = A.byId("console-msg");

  function fmt(template, params) {
    return A.fmt(template, params).replace(/%%/g, "%");
  }

  function activity(id) {
    for (var i = 0; i < state.activities.length; i += 1) {
      if (state.activities[i].id === id) return state.activities[i];
    }
    return null;
  }

  function totalOf(id) {
    if (!results) return 0;
    for (var i = 0; i < results.activities.length; i += 1) {
      if (results.activities[i].activity_id === id) return results.activities[i].total;
    }
    return 0;
  }

  function visible() {
    return state.activities.filter(function (a) { return a.status === "visible"; });
  }

  function dismissed() {
    try { return JSON.parse(window.localStorage.getItem(DISMISSED_KEY) || "[]"); } catch (e) { return []; }
  }

  function dismiss(key) {
    try { window.localStorage.setItem(DISMISSED_KEY, JSON.stringify(dismissed().concat([key]).slice(-500))); } catch (e) { /* private mode */ }
    renderCard();
  }


  function report_(response, okText) {
    if (response && response.ok) A.notify(message, okText, "ok");
    else A.notify(message, (response && response.message) || A.t.error_generic, "error");
  }

  function merge(targetId, sourceIds) {
    return A.api("POST", base + "/merges", { target_id: targetId, source_ids: sourceIds }).then(function (r) {
      report_(r, M.merged);
      return r;
    });
  }

  function undo(mergeId) {
    A.api("POST", base + "/merges/" + mergeId + "/undo").then(function (r) { report_(r, M.undone); });
  }

  function refresh() {
    A.api("GET", base + "/duplicates").then(function (r) {
      if (r && r.ok) {
        report = r;
        renderCard();
      }
    });
  }

  function clusterView(cluster) {
    var key = cluster.activity_ids.join("-");
    var members = cluster.activity_ids.map(activity).filter(function (a) { return a && a.status === "visible"; });
    if (members.length < 2) return null;
    var keep = chosen[key];
    if (!keep || !members.some(function (a) { return a.id === keep; })) {
      keep = members.slice().sort(function (a, b) { return totalOf(b.id) - totalOf(a.id) || a.id - b.id; })[0].id;
      chosen[key] = keep;
    }
    var box = el("fieldset", { className: "dup-cluster", "data-cluster": key }, [
      el("legend", { text: fmt(M.similarity, { score: Math.round(100 * cluster.score) }) }),
    ]);
    members.forEach(function (a) {
      var radio = el("input", { type: "radio", name: "keep-" + key, value: String(a.id), checked: a.id === keep, onchange: function () { chosen[key] = a.id; } });
      box.appendChild(el("label", { className: "choice dup-member" }, [
        radio,
        el("span", { dir: "auto", text: a.title }),
        el("small", { text: totalOf(a.id) + " " + M.votes }),
      ]));
    });
    box.appendChild(el("div", { className: "dup-actions" }, [
      el("button", { type: "button", className: "primary", text: M.merge_into, onclick: function () {
        var target = chosen[key];
        merge(target, members.map(function (a) { return a.id; }).filter(function (id) { return id !== target; }));
      } }),
      el("button", { type: "button", text: M.not_duplicates, onclick: function () { dismiss(key); } }),
    ]));
    return box;
  }

  function fillSelect(node, options) {
    var value = node.value;
    node.textContent = "";
    node.appendChild(el("option", { value: "", text: M.choose }));
    options.forEach(function (a) { node.appendChild(el("option", { value: String(a.id), text: "#" + a.id + " " + a.title })); });
    node.value = value;
    if (node.value !== value) node.value = "";
  }

  var rendered = { clusters: null, options: null };

  function renderCard() {
    if (!card || !state) return;
    var hidden = dismissed();
    var clusters = report ? report.clusters.filter(function (c) { return hidden.indexOf(c.activity_ids.join("-")) === -1; }) : [];
    var options = visible().map(function (a) { return [a.id, a.title]; });
    var key = JSON.stringify([clusters, options, state.merges, clusters.map(function (c) { return c.activity_ids.map(totalOf); })]);
    if (key !== rendered.clusters) {
      // Re-drawn only when something shown changed: a snapshot per vote must not reset
      // what the facilitator is choosing.
      rendered.clusters = key;
      var body = card.querySelector(".dup-body");
      body.textContent = "";
      var views = clusters.map(clusterView).filter(Boolean);
      if (!views.length) body.appendChild(el("p", { className: "hint", text: M.none }));
      views.forEach(function (view) { body.appendChild(view); });
      var merges = card.querySelector(".dup-merges");
      merges.textContent = "";
      if (state.merges && state.merges.length) {
        var list = el("ul", { className: "merge-list" });
        state.merges.slice().reverse().forEach(function (m) {
          var target = activity(m.target_id);
          var titles = m.source_ids.map(function (id) { var a = activity(id); return a ? a.title : "#" + id; });
          list.appendChild(el("li", {}, [
            el("span", { dir: "auto", text: titles.join(" + ") + " → " + (target ? target.title : "#" + m.target_id) }),
            el("button", { type: "button", text: M.undo, onclick: function () { undo(m.merge_id); } }),
          ]));
        });
        merges.appendChild(el("h3", { text: M.merges }));
        merges.appendChild(list);
      }
    }
    var optionsKey = JSON.stringify(options);
    if (optionsKey !== rendered.options) {
      rendered.options = optionsKey;
      fillSelect(A.byId("m-source"), visible());
      fillSelect(A.byId("m-target"), visible());
    }
  }

  function ensureCard() {
    if (card) return;
    var manual = el("form", { className: "dup-manual", onsubmit: function (event) {
      event.preventDefault();
      var source = Number(A.byId("m-source").value);
      var target = Number(A.byId("m-target").value);
      if (source && target) merge(target, [source]).then(function (r) { if (r && r.ok) manual.reset(); });
    } }, [
      el("h3", { text: M.manual }),
      el("label", { for: "m-source", text: M.source }), el("select", { id: "m-source" }),
      el("label", { for: "m-target", text: M.target }), el("select", { id: "m-target" }),
      el("button", { type: "submit", text: M.merge }),
    ]);
    card = el("section", { id: "duplicates", className: "card span3 duplicates" }, [
      el("h2", { text: M.duplicates }),
      el("p", { className: "hint", text: M.duplicates_hint }),
      el("div", { className: "dup-body" }),
      manual,
      el("div", { className: "dup-merges" }),
    ]);
    var table = A.byId("activities-table"); // the activities table, not the first table of the page
    var host = table ? table.closest("section") : null;
    if (host) host.parentNode.insertBefore(card, host);
    else document.querySelector("main").appendChild(card);
  }

  A.extend.consoleRow.push(function (tr, a, st) {
    if (a.status !== "merged") return;
    tr.classList.add("is-merged");
    var target = null;
    for (var i = 0; i < st.activities.length; i += 1) if (st.activities[i].id === a.merged_into_id) target = st.activities[i];
    var standing = (st.merges || []).filter(function (m) { return m.source_ids.indexOf(a.id) !== -1; })[0];
    var cell = tr.lastChild;
    cell.textContent = "";
    cell.appendChild(el("span", { className: "merged-into", dir: "auto", text: fmt(M.merged_into, { title: target ? target.title : "#" + a.merged_into_id }) }));
    if (standing) cell.appendChild(el("button", { type: "button", text: M.undo, onclick: function () { undo(standing.merge_id); } }));
  });

  A.extend.consoleRender.push(function (st, res) {
    state = st;
    results = res;
    ensureCard();
    var texts = JSON.stringify(visible().map(function (a) { return [a.id, a.title, a.description]; }));
    if (texts !== signature) {
      signature = texts;
      clearTimeout(timer);
      timer = setTimeout(refresh, report ? 600 : 0);
    }
    renderCard();
  });
})();
