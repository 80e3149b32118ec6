/* Atelier: what every page script shares. No framework; user text only ever goes through
   textContent, never innerHTML. */
(function () {
  "use strict";

  var A = (window.Atelier = {});
  /** Extension points for feature scripts loaded before the page script: each is a list of
      functions the page calls (see phone.js, screen.js, console.js for their arguments). */
  A.extend = { phoneActivity: [], phoneRender: [], screenRender: [], consoleRow: [], consoleRender: [] };
  A.run = function (point) {
    var args = Array.prototype.slice.call(arguments, 1);
    A.extend[point].forEach(function (fn) { fn.apply(null, args); });
  };
  A.config = JSON.parse(document.getElementById("config").textContent);
  A.t = JSON.parse(document.getElementById("i18n").textContent);

  /** Fill "%(name)s" placeholders, as the server's gettext does. */
  A.fmt = function (template, params) {
    return String(template).replace(/%\((\w+)\)s/g, function (_m, key) {
      return params && key in params ? params[key] : "";
    });
  };

  /** A client-chosen id for one action, so that a retry has effect once. */
  A.opId = function () {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  };

  /** Create an element: attributes, then children (strings become text nodes). */
  A.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  A.byId = function (id) {
    return document.getElementById(id);
  };

  /** Show the connection state in #conn: connected, reconnecting or offline. */
  function showConnection(state) {
    var node = A.byId("conn");
    if (!node) return;
    node.textContent = A.t[state];
    node.className = "conn conn-" + state;
    document.body.setAttribute("data-connection", state);
  }

  /**
   * Connect to the workshop's room. `handlers` get the full snapshots; a snapshot older than
   * one already applied (lower version) is dropped, since two servers may deliver out of order.
   */
  A.connect = function (auth, handlers) {
    var versions = { workshop_state: -1, results: -1 };
    var socket = window.io({
      auth: auth,
      transports: ["websocket", "polling"],
      tryAllTransports: true,
      reconnectionDelayMax: 5000,
    });
    A.socket = socket;
    showConnection(navigator.onLine === false ? "offline" : "reconnecting");
    socket.on("connect", function () {
      showConnection("connected");
    });
    socket.on("disconnect", function () {
      showConnection(navigator.onLine === false ? "offline" : "reconnecting");
    });
    socket.on("connect_error", function () {
      showConnection(navigator.onLine === false ? "offline" : "reconnecting");
    });
    window.addEventListener("offline", function () {
      showConnection("offline");
    });
    window.addEventListener("online", function () {
      showConnection(socket.connected ? "connected" : "reconnecting");
    });
    ["workshop_state", "results"].forEach(function (event) {
      socket.on(event, function (data) {
        if (typeof data.version === "number") {
          if (data.version < versions[event]) return;
          versions[event] = data.version;
        }
        if (handlers[event]) handlers[event](data);
      });
    });
    if (handlers.my_state) socket.on("my_state", handlers.my_state);
    return socket;
  };

  /**
   * Send an action with an op_id and call `done(ack)` once. A lost acknowledgement is
   * retried with the same op_id: the server carries it out at most once.
   */
  A.act = function (event, payload, done) {
    var data = Object.assign({ op_id: A.opId() }, payload);
    var attempts = 0;
    function send() {
      attempts += 1;
      A.socket.timeout(8000).emit(event, data, function (err, ack) {
        if (err) {
          if (attempts < 6) return setTimeout(send, 1000 * attempts);
          return done({ ok: false, error: "timeout", message: A.t.error_generic });
        }
        done(ack);
      });
    }
    send();
  };

  /** JSON call to the API with the console's CSRF token. */
  A.api = function (method, url, body) {
    var headers = { "X-CSRF-Token": A.config.csrf || "" };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: A.t.error_generic };
      }).then(function (data) {
        if (!response.ok && data.ok === undefined) data.ok = false;
        return data;
      });
    }, function () {
      return { ok: false, message: A.t.offline };
    });
  };

  /** Show a short message in a live region, for a while. */
  A.notify = function (node, message, kind) {
    if (!node) return;
    node.hidden = false;
    node.textContent = message;
    node.className = "notice" + (kind ? " notice-" + kind : "");
    clearTimeout(node._timer);
    node._timer = setTimeout(function () {
      node.hidden = true;
    }, 6000);
  };

  /** Colour-blind-safe colours for stakeholder groups (Okabe-Ito, then more). */
  A.groupColour = function (index) {
    var palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
      "#F0E442", "#000000", "#999999", "#882255"];
    return palette[index % palette.length];
  };
})();
