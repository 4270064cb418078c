// Enhancement only: the page works without this file.
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (form && window.crypto && crypto.randomUUID) {
    // A client-made id makes a retried post idempotent.
    var id = document.createElement("input");
    id.type = "hidden";
    id.name = "id";
    id.value = crypto.randomUUID();
    form.appendChild(id);
  }
  if (!window.EventSource) { return; }
  var prompt = document.getElementById("prompt");
  var source = new EventSource(location.pathname.replace(/\/$/, "") + "/events");
  source.addEventListener("state", function (event) {
    var view = JSON.parse(event.data);
    if (prompt && view.prompt) { prompt.textContent = view.prompt; }
  });
})();
