/* Comments: phones comment on an activity, the console moderates, the big screen shows the
   newest when the facilitator wishes. A feature script: it only hooks into A.extend. */
(function () {
  "use strict";

  var A = window.Atelier;
  var t = A.t;
  var el = A.el;
  var role = A.config.role;

  function countOf(state, activityId) {
    var counts = state.comment_counts || [];
    for (var i = 0; i < counts.length; i += 1) {
      if (counts[i].activity_id === activityId) return counts[i].count;
    }
    return 0;
  }

  // -- phones -----------------------------------------------------------------------------

  function phone() {
    var state = null;
    var me = null;
    var mine = [];
    var openId = null;
    var notice = A.byId("notice");
    var list = el("ul", { className: "my-comments" });
    var heading = el("p", { className: "sheet-activity", dir: "auto" });
    var text = el("textarea", { id: "c-text", maxlength: String(A.limits.comment_max), rows: "3", dir: "auto", required: true });
    var counter = el("span", { className: "count", "aria-live": "polite" });
    var send = el("button", { type: "submit", className: "primary", text: t.send });
    var form = el("form", { className: "sheet-form" }, [
      el("label", { "for": "c-text" }, [t.your_comment + " ", counter]),
      text,
      send,
    ]);
    var sheet = el("section", { className: "sheet", id: "comment-sheet", hidden: true, role: "dialog", "aria-modal": "false", "aria-labelledby": "comment-sheet-title" }, [
      el("div", { className: "sheet-head" }, [
        el("h2", { id: "comment-sheet-title", text: t.comment }),
        el("button", { type: "button", className: "link", text: t.close, onclick: close }),
      ]),
      heading,
      form,
      el("p", { className: "hint", text: t.my_comments }),
      list,
    ]);
    document.body.appendChild(sheet);

    function renderMine() {
      list.textContent = "";
      mine.filter(function (c) { return c.activity_id === openId; }).forEach(function (c) {
        list.appendChild(el("li", { dir: "auto", text: c.text }));
      });
      list.previousSibling.hidden = list.childNodes.length === 0;
    }

    function open(activity) {
      openId = activity.id;
      heading.textContent = A.word("activities", activity, "title");
      counter.textContent = "";
      renderMine();
      sheet.hidden = false;
      text.focus();
    }

    function close() {
      sheet.hidden = true;
      openId = null;
    }

    text.addEventListener("input", function () {
      counter.textContent = text.value.length + "/280";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var activityId = openId;
      send.disabled = true;
      A.notify(notice, t.sending);
      A.act("add_comment", { activity_id: activityId, text: text.value }, function (ack) {
        send.disabled = false;
        if (ack && ack.ok) {
          mine = ack.my_comments || mine;
          if (me) me.my_comments = mine;
          text.value = "";
          counter.textContent = "";
          renderMine();
          A.notify(notice, t.comment_saved, "ok");
        } else {
          A.notify(notice, (ack && ack.message) || t.error_generic, "error");
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !sheet.hidden) close();
    });

    A.extend.phoneActivity.push(function (li, activity, snapshot) {
      if (snapshot.phase === "setup") return;
      var count = countOf(snapshot, activity.id);
      var label = t.comment + (count ? " · " + count : "");
      var bar = li.querySelector(".feature-actions") || li.appendChild(el("div", { className: "feature-actions" }));
      bar.appendChild(el("button", {
        type: "button", className: "comment-btn", "aria-label": A.fmt(t.comment_count, { count: count }) + " · " + t.comment,
        onclick: function () { open(activity); },
      }, [label]));
    });
    A.extend.phoneRender.push(function (snapshot, myState) {
      state = snapshot;
      if (myState !== me) {
        me = myState;
        if (me && me.my_comments) mine = me.my_comments;
      }
      if (openId !== null && !A.titleOf(state, openId)) close(); // hidden or gone
      else if (openId !== null) renderMine();
    });
  }

  // -- the console ------------------------------------------------------------------------

  function consoleView() {
    var code = A.config.code;
    var base = "/api/workshops/" + encodeURIComponent(code);
    var message = A.byId("console-msg");
    var toggle = el("input", { type: "checkbox", id: "show-comments" });
    var counter = el("span", { text: "0" });
    var list = el("ol", { className: "comment-feed", reversed: true });
    var card = el("section", { className: "card span3 feature-card", id: "comments-card" }, [
      el("h2", {}, [t.comments + " · ", counter]),
      el("label", { className: "choice" }, [toggle, " " + t.show_comments]),
      list,
    ]);
    A.byId("activities").closest("section").insertAdjacentElement("afterend", card);
    toggle.addEventListener("change", function () {
      A.api("PATCH", base, { show_comments: toggle.checked }).then(function (r) {
        A.notify(message, r.ok ? t.saved : (r.message || t.error_generic), r.ok ? "ok" : "error");
      });
    });

    A.extend.consoleRow.push(function (tr, activity, state) {
      var count = countOf(state, activity.id);
      if (!count) return;
      var cell = tr.querySelector(".col-title");
      if (cell) cell.appendChild(el("small", { className: "comment-count", text: A.fmt(t.comment_count, { count: count }) }));
    });

    A.extend.consoleRender.push(function (state) {
      toggle.checked = !!state.show_comments;
      var comments = state.comments || [];
      counter.textContent = String(comments.filter(function (c) { return c.status === "visible"; }).length);
      list.textContent = "";
      if (!comments.length) list.appendChild(el("li", { className: "hint", text: t.no_comment }));
      comments.slice().reverse().slice(0, 300).forEach(function (c) {
        var hidden = c.status === "hidden";
        var author = c.author ? A.groupName(state, c.author.group_id) + " / " + c.author.organisation + " · " + c.author.public_id : "";
        list.appendChild(el("li", { className: hidden ? "is-hidden" : "" }, [
          el("p", { className: "comment-text", dir: "auto", text: c.text }),
          el("small", { dir: "auto", text: A.titleOf(state, c.activity_id, "#" + c.activity_id) + " — " + author + (hidden ? " · " + t.hidden_comment : "") }),
          el("button", { type: "button", text: hidden ? t.restore : t.hide, onclick: function () {
            A.api("POST", base + "/comments/" + c.id + (hidden ? "/restore" : "/hide")).then(function (r) {
              A.notify(message, r.ok ? t.saved : (r.message || t.error_generic), r.ok ? "ok" : "error");
            });
          } }),
        ]));
      });
    });
  }

  // -- the big screen ---------------------------------------------------------------------

  function screen() {
    var list = el("ul", { className: "screen-comments-list" });
    var aside = el("aside", { className: "screen-comments", id: "screen-comments", hidden: true, "aria-live": "polite" }, [
      el("h2", { text: t.comments }),
      list,
    ]);
    document.querySelector(".screen-main").appendChild(aside);
    A.extend.screenRender.push(function (state) {
      var comments = state.comments || [];
      var show = !!state.show_comments && comments.length > 0;
      aside.hidden = !show;
      document.body.classList.toggle("has-comments", show);
      list.textContent = "";
      comments.slice().reverse().forEach(function (c) {
        list.appendChild(el("li", {}, [
          el("p", { dir: "auto", text: c.text }),
          el("small", { dir: "auto", text: A.titleOf(state, c.activity_id) }),
        ]));
      });
    });
  }

  if (role === "phone") phone();
  else if (role === "console") consoleView();
  else if (role === "screen") screen();
})();
