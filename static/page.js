// kbgen's page script, on every page: what a reader's browser adds to a page that already works
// without it. Each feature starts only where its markup is; every word it shows comes from a
// data attribute the templates filled from Fluent. Nothing typed or fetched is inserted as HTML.

/** Copy buttons by every host and port of a server table and every code block: readers type
 *  these into mail and FTP clients, where one wrong letter fails. Made here, and only where the
 *  Clipboard API is, so that no page shows a button that cannot work. */
function copyButtons(body) {
  if (!navigator.clipboard?.writeText) return;
  const say = statusLine(body);
  for (const code of body.querySelectorAll(".server-table tbody th code")) {
    code.after(copyButton(body, () => code.textContent, say));
  }
  for (const cell of body.querySelectorAll(".server-table tbody td:nth-child(2)")) {
    const port = cell.textContent.trim();
    cell.append(" ", copyButton(body, () => port, say));
  }
  for (const pre of body.querySelectorAll("pre")) {
    const code = pre.querySelector("code") ?? pre;
    const block = document.createElement("div");
    block.className = "code-block";
    pre.replaceWith(block);
    const button = copyButton(body, () => code.textContent, say, codeStart);
    button.textContent = body.dataset.copyButton;
    block.append(button, pre);
  }
}

/** A code block's button is named by the code's first line, cut short: names differ per block. */
function codeStart(text) {
  const line = text.trim().split("\n")[0];
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** One button that copies `value()` and says so on `say`; its name says what it copies. */
function copyButton(body, value, say, shown = (v) => v) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  const label = () => button.setAttribute("aria-label", body.dataset.copy.replace("%v%", shown(value())));
  label();
  // The reader's domain changes what a host button copies, so its name follows.
  document.addEventListener("kbgen:hosts", label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(value());
      button.classList.add("copied");
      setTimeout(() => button.classList.remove("copied"), 2000);
      say(body.dataset.copied.replace("%v%", shown(value())));
    } catch {
      say(body.dataset.copyFailed);
    }
  });
  return button;
}

/** A polite live region, made before anything is said: a region added with its text in it
 *  is not announced. Its text goes after a while, so that it does not linger on screen. */
function statusLine(root) {
  const status = document.createElement("p");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  root.append(status);
  let timer;
  return (text) => {
    // Emptied first, so that the same words said twice are announced twice.
    status.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => {
      status.textContent = text;
      timer = setTimeout(() => { status.textContent = ""; }, 5000);
    }, 50);
  };
}

const DOMAIN_KEY = "kbgen-domain";
// A label of a host name: letters (any script, as IDN is typed), digits and dashes, no dash at
// either end, at most 63 characters. \p{M}: marks that some scripts' letters are written with.
const HOST_LABEL = /^[\p{L}\p{M}0-9](?:[\p{L}\p{M}0-9-]{0,61}[\p{L}\p{M}0-9])?$/u;

/** A host name as typed, made plain (trimmed, no final dot, lower case), or null if it is none. */
function hostName(typed) {
  const name = String(typed).trim().replace(/\.$/, "").normalize("NFC").toLowerCase();
  if (!name || [...name].length > 253) return null;
  return name.split(".").every((label) => HOST_LABEL.test(label)) ? name : null;
}

/** The domain this browser keeps, if it is still a host name (the store is the reader's to edit). */
function storedDomain() {
  try {
    return hostName(localStorage.getItem(DOMAIN_KEY) ?? "");
  } catch {
    return null; // storage refused: the field still works on this page
  }
}

function storeDomain(name) {
  try {
    if (name) localStorage.setItem(DOMAIN_KEY, name);
    else localStorage.removeItem(DOMAIN_KEY);
  } catch {
    // Not kept for later pages, but shown on this one.
  }
}

/** The your-domain field: readers see (and copy) their own server names instead of
 *  imap.yourdomain.tld, typed once and kept for later pages. Hidden in the HTML, so that
 *  a page without JavaScript shows the placeholder and no field that does nothing. */
function yourDomain(form) {
  const input = form.elements.domain;
  const message = form.querySelector(".field-message");
  const tell = (text, invalid) => {
    message.textContent = text;
    message.classList.toggle("field-error", invalid);
    if (invalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = hostName(input.value);
    if (!name) {
      tell(form.dataset.invalid, true);
      input.focus();
      return;
    }
    input.value = name;
    storeDomain(name);
    showDomain(form, name);
    tell(form.dataset.done.replace("%v%", name), false);
  });
  form.querySelector("[data-forget]").addEventListener("click", () => {
    input.value = "";
    storeDomain(null);
    showDomain(form, null);
    tell(form.dataset.forgotten, false);
    input.focus();
  });
  const saved = storedDomain();
  if (saved) {
    input.value = saved;
    showDomain(form, saved);
  }
  form.hidden = false;
}

/** Every `{domain}` host of the page with `name`, or the placeholder again (as text, never HTML). */
function showDomain(form, name) {
  for (const code of document.querySelectorAll("code[data-host]")) {
    code.textContent = code.dataset.host.replaceAll("{domain}", name ?? form.dataset.placeholder);
  }
  document.dispatchEvent(new Event("kbgen:hosts"));
}

/** Runs each feature whose root element the page has. */
const FEATURES = [
  [".article-body[data-copy]", copyButtons],
  ["form.your-domain", yourDomain],
];

for (const [selector, start] of FEATURES) {
  for (const el of document.querySelectorAll(selector)) start(el);
}
