/// The page around every dashboard: navigation, the refresh, the styles (inline: nothing is fetched). Mustache
/// escapes `{{…}}` as HTML; `{{{…}}}` is only ever Remit's own markup (a rendered page body, an SVG chart).
enum LayoutTemplate {
    static let text = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}
        <title>{{title}} · Remit</title>
        <style>
        :root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #d1d5db; --bg: #f9fafb; --card: #ffffff;
                --accent: #1d4ed8; --bad: #b91c1c; --good: #15803d; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 6px; z-index: 2; }
        header { background: #111827; color: #fff; padding: 10px 16px; display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
        header .brand { font-weight: 700; margin-right: 12px; }
        header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 0; padding: 0; }
        header nav a { color: #e5e7eb; text-decoration: none; padding: 2px 0; }
        header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #60a5fa; }
        header form { margin-left: auto; }
        header button { background: transparent; color: #e5e7eb; border: 1px solid #6b7280; border-radius: 4px; padding: 2px 8px; cursor: pointer; }
        main { max-width: 1200px; margin: 0 auto; padding: 16px; }
        h1 { font-size: 1.4rem; margin: 4px 0 2px; } h2 { font-size: 1.1rem; margin: 0 0 8px; }
        .freshness { color: var(--muted); margin: 0 0 16px; font-size: 0.9rem; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 0 0 16px; padding: 0; list-style: none; }
        .tiles li { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
        .tiles .label { display: block; color: var(--muted); font-size: 0.85rem; }
        .tiles .value { display: block; font-size: 1.25rem; font-weight: 650; font-variant-numeric: tabular-nums; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin: 0 0 16px; overflow-x: auto; }
        .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 16px; }
        .grid2 > section { margin: 0; }
        figure { margin: 0; } figcaption { color: var(--muted); font-size: 0.85rem; margin-top: 4px; }
        svg.chart { width: 100%; height: auto; max-height: 300px; }
        svg .grid { stroke: #e5e7eb; } svg .axis { stroke: #6b7280; } svg text { font-size: 11px; fill: #374151; }
        svg .empty { font-size: 15px; fill: #6b7280; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
        caption { text-align: left; font-weight: 600; padding: 0 0 6px; }
        th, td { padding: 6px 8px; border-bottom: 1px solid #e5e7eb; text-align: left; vertical-align: top; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .status-published, .ok { color: var(--good); font-weight: 600; }
        .status-failed, .status-timed_out, .status-abandoned, .bad, .firing { color: var(--bad); font-weight: 600; }
        .none { color: var(--muted); font-style: italic; }
        code { font-size: 0.85em; }
        .login { max-width: 380px; margin: 12vh auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
        .login label { display: block; margin: 0 0 6px; font-weight: 600; }
        .login input { width: 100%; padding: 8px; font: inherit; border: 1px solid #9ca3af; border-radius: 4px; }
        .login button { margin-top: 12px; padding: 8px 14px; font: inherit; background: var(--accent); color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
        .error { color: var(--bad); }
        @media (max-width: 600px) { main { padding: 10px; } th, td { padding: 5px 4px; } .tiles .value { font-size: 1.05rem; } }
        </style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        {{#navigation}}
        <header>
          <span class="brand">Remit</span>
          <nav aria-label="Dashboards"><ul>
          {{#pages}}<li><a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{name}}</a></li>{{/pages}}
          </ul></nav>
          <form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>
        </header>
        {{/navigation}}
        <main id="main">
        {{{body}}}
        </main>
        </body>
        </html>
        """
}
