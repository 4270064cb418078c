// Enhancement only: the page works without this file (plain forms, reloads). It adds live
// updates (server-sent events) and keeps what was typed in localStorage with a client-made id,
// sent again when the connection is back: the server dedupes by id, so never a double.
// Server data goes into the page with textContent only. ES5, for old phones.
(function () {
  "use strict";
  var doc = document;
  function byId(id) { return doc.getElementById(id); }
  var form = byId("card-form"), text = byId("text"), live = byId("live");
  if (!form || !text || !live || !window.JSON) { return; }
  var base = location.pathname.replace(/\/+$/, "");
  var key = "cocreatie-draft:" + base.toLowerCase();
  var msg = form.dataset || {};
  var prompt = byId("prompt"), list = byId("own-card-list"), section = byId("own-cards");
  var button = form.querySelector("button[type=submit]");
  var draft = load(), busy = false, delay = 2000, retry = null, ticking = null;

  function el(tag, className, content) {
    var node = doc.createElement(tag);
    if (className) { node.className = className; }
    if (content) { node.textContent = content; }
    return node;
  }

  function newId() {  // a UUID v4; crypto.randomUUID needs https, which a room server lacks
    var bytes = new Uint8Array(16), hex = "", i;
    if (window.crypto && crypto.getRandomValues) { crypto.getRandomValues(bytes); }
    else { for (i = 0; i < 16; i++) { bytes[i] = Math.random() * 256; } }
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    for (i = 0; i < 16; i++) {
      hex += (bytes[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? "-" : "");
    }
    return hex;
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || null; } catch (e) { return null; }
  }

  function save() {
    try {
      if (draft) { localStorage.setItem(key, JSON.stringify(draft)); } else { localStorage.removeItem(key); }
    } catch (e) { /* private mode: the text stays in the field */ }
  }

  function say(message, kind) {
    while (live.firstChild) { live.removeChild(live.firstChild); }
    if (message) { live.appendChild(el("p", kind || "notice", message)); }
  }

  function fill(format, name, value) { return String(format).split("{" + name + "}").join(value); }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function clock(seconds) {  // as core/timer.py format_clock: rounded up, "+m:ss" in overtime
    var shown = Math.ceil(seconds), left = Math.abs(shown), hours = Math.floor(left / 3600);
    var minutes = Math.floor(left / 60) % 60;
    return (shown < 0 ? "+" : "") + (hours ? hours + ":" + two(minutes) : minutes) + ":" + two(left % 60);
  }

  function describe(value, kind) {  // the rules of view_text in web/app.py
    var parts = [], keys = ["number", "name", "theme", "label", "text"], i;
    if (value === null || value === undefined || value === "" || typeof value === "boolean") { return ""; }
    if (typeof value === "number") { return kind === "clock" ? clock(value) : String(value); }
    if (typeof value !== "object") { return String(value); }
    if ("seconds_left" in value) { return clock(value.seconds_left); }
    if (!(value instanceof Array)) {
      for (i = 0; i < keys.length; i++) { parts.push(value[keys[i]]); }
    } else { parts = value; }
    var shown = [];
    for (i = 0; i < parts.length; i++) { if (describe(parts[i])) { shown.push(describe(parts[i])); } }
    return shown.join(value instanceof Array ? ", " : " · ");
  }

  // -- sending a card ----------------------------------------------------------------------

  text.addEventListener("input", function () {
    if (!window.fetch) { return; }  // such a browser posts the form itself
    if (!draft || draft.tried) { draft = { id: newId() }; }  // edited after a try: a new card
    draft.text = text.value;
    save();
  });

  form.addEventListener("submit", function (event) {
    if (!window.fetch) { return; }
    event.preventDefault();
    var author = form.elements.author;
    if (!draft || draft.tried || draft.text !== text.value) { draft = { id: newId() }; }
    draft.text = text.value;
    draft.author = author ? author.value : null;  // no field: the server's remembered name
    draft.pending = true;
    save();
    send();
  });

  function send() {
    if (busy || !draft || !draft.pending) { return; }
    busy = true;
    clearTimeout(retry);
    if (button) { button.disabled = true; }
    say(msg.sending);
    var body = { text: draft.text, id: draft.id };
    if (typeof draft.author === "string") { body.author = draft.author; }
    draft.tried = true;
    save();
    fetch(base + "/cards", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json" }
    }).then(function (response) {
      var status = response.status;
      return response.json().then(function (data) { return [status, data]; }, function () { return [status, {}]; });
    }).then(function (answer) {
      done();
      if (answer[0] === 200 || answer[0] === 201) { sent(answer[1].id, body); }
      else if (answer[0] >= 500 || answer[0] === 429) { retryLater(); }
      else { draft.pending = draft.tried = false; save(); say(answer[1].error || "", "error"); }
    }, function () { done(); retryLater(); });
  }

  function done() { busy = false; if (button) { button.disabled = false; } }

  function retryLater() {
    say(msg.notSent, "error");
    clearTimeout(retry);
    retry = setTimeout(send, delay);
    delay = Math.min(delay * 2, 30000);
  }

  window.addEventListener("online", function () { delay = 2000; send(); });

  function sent(id, body) {
    draft = null;
    save();
    delay = 2000;
    if (text.value === body.text) { text.value = ""; }
    say(msg.thanks, "thanks");
    var box = byId("name-field"), name = (body.author || "").trim();
    if (box && name) {  // the name is asked once: the field gives way to "Je naam: Mia"
      var line = el("p", "as-name", fill(msg.asName, "name", name) + " ");
      var change = el("a", "", msg.changeName);
      change.href = base + "?name=1#author";
      line.appendChild(change);
      box.parentNode.replaceChild(line, box);
    }
    if (id && list && !byId("card-" + id)) {
      list.insertBefore(cardItem({ id: id, text: body.text.trim(), can_withdraw: true }), list.firstChild);
      section.hidden = false;
    }
  }

  // -- own cards, live updates ---------------------------------------------------------------

  function cardItem(card) {
    var li = el("li"), words = el("p", "card-text", card.text);
    words.id = "card-" + card.id;
    li.appendChild(words);
    if (!card.can_withdraw) {
      li.appendChild(el("p", "grouped", msg.grouped));
      return li;
    }
    var back = el("form"), token = el("input"), press = el("button", "withdraw", msg.withdraw);
    back.method = "post";
    back.action = base + "/cards/" + encodeURIComponent(card.id) + "/withdraw";
    token.type = "hidden";
    token.name = "token";
    token.value = form.elements.token.value;
    press.type = "submit";
    press.setAttribute("aria-describedby", words.id);
    back.appendChild(token);
    back.appendChild(press);
    li.appendChild(back);
    return li;
  }

  function showCards(cards) {
    if (!list || !(cards instanceof Array)) { return; }
    var focused = list.contains(doc.activeElement);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    for (var i = cards.length - 1; i >= 0; i--) { list.appendChild(cardItem(cards[i])); }
    section.hidden = !cards.length;
    if (focused) { text.focus(); }
  }

  // Any key of the view can be shown by an element with data-view (see participant.html).
  function showFacts(view) {
    var facts = doc.querySelectorAll("[data-view]");
    clearInterval(ticking);
    for (var i = 0; i < facts.length; i++) {
      var element = facts[i], value = view[element.getAttribute("data-view")];
      var shown = describe(value, element.getAttribute("data-kind"));
      element.textContent = shown ? fill(element.getAttribute("data-format"), "value", shown) : "";
      element.hidden = !shown;
      if (value && value.status === "running" && typeof value.seconds_left === "number") {
        countDown(element, value.seconds_left);
      }
    }
  }

  function countDown(element, seconds) {  // phones get seconds left, never an end time
    ticking = setInterval(function () {
      seconds -= 1;
      element.textContent = fill(element.getAttribute("data-format"), "value", clock(seconds));
    }, 1000);
  }

  function showState(view) {
    if (prompt && typeof view.prompt === "string" && prompt.textContent !== view.prompt) {
      prompt.textContent = view.prompt;
      say(fill(msg.promptChanged, "value", view.prompt));
    }
    showFacts(view);
    showCards(view.cards);
    // Other features' scripts (static/turns.js) follow the same updates.
    doc.dispatchEvent(new CustomEvent("cocreatie:state", { detail: view }));
  }

  function connect() {
    var source = new EventSource(base + "/events"), lost = false, notice = byId("connection");
    source.addEventListener("state", function (event) {
      try { showState(JSON.parse(event.data)); } catch (e) { /* a bad message changes nothing */ }
    });
    source.addEventListener("gone", function () { source.close(); say(msg.gone, "error"); });
    source.onopen = function () {
      if (notice) { notice.hidden = true; }
      if (lost) { lost = false; delay = 2000; send(); }
    };
    source.onerror = function () {
      lost = true;
      if (notice) { notice.hidden = false; }
    };
  }

  if (draft && !text.value) { text.value = draft.text || ""; }
  if (draft && draft.pending) { send(); }
  if (/[?&](sent|withdrawn)=1/.test(location.search) && window.history && history.replaceState) {
    history.replaceState(null, "", base);  // a reload must not thank again
  }
  if (window.EventSource) { connect(); }
})();
