(function () {
  "use strict";
  // Every marketplace-supplied string reaches the page through textContent/setAttribute only.
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var tbody = document.querySelector("#plugins tbody");
  var input = document.getElementById("q");
  var count = document.getElementById("count");
  var plural = { command: "commands", skill: "skills", agent: "agents", hook: "hooks", mcp: "MCP", lsp: "LSP" };

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  // Only links the report built itself (https://github.com/owner/repo) become hrefs.
  function link(parent, text, url) {
    if (typeof url !== "string" || url.indexOf("https://github.com/") !== 0) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var a = document.createElement("a");
    a.setAttribute("href", url);
    a.setAttribute("rel", "noopener noreferrer");
    a.textContent = text;
    parent.appendChild(a);
  }

  function code(parent, text, cls) {
    var el = document.createElement("code");
    el.textContent = text;
    if (cls) { el.className = cls; }
    parent.appendChild(el);
  }

  var rows = data.p.map(function (p) {
    var market = data.m[p[1]];
    var parts = [];
    var total = 0;
    data.kinds.forEach(function (kind, i) {
      var n = p[5][i];
      total += n;
      if (n) { parts.push(n + " " + (n === 1 && kind !== "mcp" && kind !== "lsp" ? kind : plural[kind])); }
    });
    var tr = document.createElement("tr");
    var name = cell(tr, "");
    link(name, p[0], p[9] || market[3]);
    if (p[8]) { name.title = "version " + p[8]; }
    if (p[7]) {
      var bad = document.createElement("span");
      bad.className = "err";
      bad.textContent = " (" + p[7] + " manifest error" + (p[7] === 1 ? "" : "s") + ")";
      name.appendChild(bad);
    }
    link(cell(tr, ""), market[0], market[3]);
    cell(tr, p[2]);
    cell(tr, parts.join(", "));
    if (p[6] === null) { cell(tr, "unknown", "n muted"); }
    else { cell(tr, p[6].toLocaleString("en-US"), "n"); }
    cell(tr, p[3]);
    var install = cell(tr, "");
    code(install, "/plugin marketplace add " + market[2], "add");
    code(install, "/plugin install " + p[0] + "@" + market[1]);
    if (market[4]) {
      // Another marketplace declares the same name: the form that names the source.
      code(install, "claude plugin install " + p[0] + " --marketplace " + market[2], "shell");
    }
    return {
      tr: tr,
      hay: [p[0], market[0], market[1], p[2], p[3], p[4]].join("\n").toLowerCase(),
      keys: { name: p[0].toLowerCase(), market: market[0].toLowerCase(), category: p[2].toLowerCase(),
              components: total, stars: p[6] === null ? -1 : p[6] }
    };
  });

  function filter() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (r) {
      var hit = terms.every(function (t) { return r.hay.indexOf(t) !== -1; });
      r.tr.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = shown.toLocaleString("en-US") + " of " + rows.length.toLocaleString("en-US") + " plugins";
  }

  function render() {
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r.tr); });
    tbody.appendChild(frag);
  }

  var headers = document.querySelectorAll("#plugins th[aria-sort]");
  Array.prototype.forEach.call(headers, function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var col = this.getAttribute("data-col");
      var numeric = col === "components" || col === "stars";
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending"
        : th.getAttribute("aria-sort") === "descending" ? "ascending"
        : numeric ? "descending" : "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      rows.sort(function (a, b) {
        var x = a.keys[col], y = b.keys[col];
        return x < y ? -sign : x > y ? sign : a.keys.name < b.keys.name ? -1 : a.keys.name > b.keys.name ? 1 : 0;
      });
      render();
    });
  });

  input.addEventListener("input", filter);
  render();
  filter();
})();
