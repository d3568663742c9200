/* Passkeys (WebAuthn) on the forms that offer them. Without JavaScript, or in a browser
   without passkeys, these forms work as before (a code at sign-in; adding a passkey says
   it needs JavaScript). The server sends its options in data-passkey-options and keeps
   the challenge itself; this file only asks the browser for a passkey and puts its
   answer, as JSON, in the form's hidden "credential" field. No inline script: the
   page's CSP allows only files like this.
     data-passkey="add"   : submitting the form creates a passkey first;
     data-passkey="prove" : the [data-passkey-button] button uses one instead of a code. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function bytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { out[i] = binary.charCodeAt(i); }
    return out.buffer;
  }

  function text(buffer) {
    var view = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < view.length; i++) { binary += String.fromCharCode(view[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (d) { return { type: d.type, id: bytes(d.id), transports: d.transports }; });
  }

  function answer(credential) {
    var r = credential.response, response = { clientDataJSON: text(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = text(r.attestationObject);
      if (r.getTransports) { response.transports = r.getTransports(); }
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      if (r.userHandle) { response.userHandle = text(r.userHandle); }
    }
    return JSON.stringify({
      id: credential.id, rawId: text(credential.rawId), type: credential.type,
      response: response, clientExtensionResults: {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined
    });
  }

  function create(options) {
    options.challenge = bytes(options.challenge);
    options.user.id = bytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return navigator.credentials.create({ publicKey: options });
  }

  function get(options) {
    options.challenge = bytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return navigator.credentials.get({ publicKey: options });
  }

  function send(form, credential) {
    form.querySelector("input[name=credential]").value = answer(credential);
    HTMLFormElement.prototype.submit.call(form);
  }

  function fail(form) {
    var note = form.querySelector("[data-passkey-failed]");
    if (note) { note.hidden = false; note.focus(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-shown]"), function (el) { el.hidden = false; });
  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-needs-script]"), function (el) { el.hidden = true; });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey]"), function (form) {
    var kind = form.getAttribute("data-passkey");
    var source = form.getAttribute("data-passkey-options");
    if (kind === "add") {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        create(JSON.parse(source)).then(function (c) { send(form, c); }, function () { fail(form); });
      });
    } else {
      var button = form.querySelector("[data-passkey-button]");
      button.addEventListener("click", function () {
        get(JSON.parse(source)).then(function (c) { send(form, c); }, function () { fail(form); });
      });
    }
  });
})();
