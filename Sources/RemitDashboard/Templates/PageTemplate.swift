/// Every dashboard page has one shape — a title, when its data was refreshed, figures, charts, tables — so one
/// template draws them all from a ``DashboardPage``.
enum PageTemplate {
    static let text = """
        <h1>{{title}}</h1>
        <p class="freshness" id="freshness">{{freshness}}</p>
        {{#hasTiles}}<ul class="tiles" aria-label="Key figures">
        {{#tiles}}<li><span class="label">{{label}}</span><span class="value" data-metric="{{id}}">{{value}}</span></li>{{/tiles}}
        </ul>{{/hasTiles}}
        {{#hasCharts}}<div class="grid2">
        {{#charts}}<section aria-labelledby="{{id}}-heading"><h2 id="{{id}}-heading">{{heading}}</h2>
        <figure>{{{svg}}}<figcaption>{{caption}}</figcaption></figure></section>
        {{/charts}}</div>{{/hasCharts}}
        {{#tables}}<section>
        <table id="{{id}}"><caption>{{caption}}</caption>
        <thead><tr>{{#columns}}<th scope="col"{{#numeric}} class="num"{{/numeric}}>{{name}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td{{#style}} class="{{style}}"{{/style}}>{{#href}}<a href="{{href}}">{{text}}</a>{{/href}}{{^href}}{{text}}{{/href}}</td>{{/cells}}</tr>
        {{/rows}}{{^rows}}<tr><td colspan="{{width}}" class="none">{{empty}}</td></tr>{{/rows}}
        </tbody></table></section>
        {{/tables}}
        """
}

/// The login form (the key goes in the body of a POST, never in a URL).
enum LoginTemplate {
    static let text = """
        <div class="login">
        <h1>Remit dashboards</h1>
        {{#message}}<p class="error" role="alert">{{message}}</p>{{/message}}
        <form method="post" action="/dashboard/login">
        <label for="key">Platform (admin) key</label>
        <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
        <input type="hidden" name="next" value="{{next}}">
        <button type="submit">Sign in</button>
        </form>
        </div>
        """
}
