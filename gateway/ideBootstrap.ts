/**
 * The IDE's own script, served as a file (not inline) so that the page's Content-Security-Policy can forbid
 * inline scripts. It reads its settings from the page's `application/json` block, which browsers never execute.
 * Plain ES5-style JavaScript: it runs as-is in the browser, without a build step.
 */
export const ideBootstrapScript = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('credgraph-ide-config').textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;

  function render(examples) {
    var tabs = examples.map(function (example) {
      return {
        query: example.query,
        variables: example.variables ? JSON.stringify(example.variables, null, 2) : undefined,
      };
    });
    var props = {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
      defaultTabs: tabs,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: true,
    };
    // GraphiQL 3.9 fills the variables editor of the first default tab from the variables prop only, so on a
    // first visit (no saved tabs yet) that tab's variables are passed here too. Later visits restore saved tabs.
    var savedTabs = null;
    try {
      savedTabs = window.localStorage.getItem('graphiql:tabState');
    } catch (error) {
      savedTabs = null;
    }
    if (!savedTabs && tabs.length > 0 && tabs[0].variables) props.variables = tabs[0].variables;
    ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
  }

  // Examples that need more than the catalog (the skills subgraph, say) are offered only when the composed API
  // has every schema coordinate they name, so that no tab opens on validation errors.
  var conditional = config.examples.some(function (example) { return example.requires && example.requires.length; });
  if (!conditional) return render(config.examples);
  fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' }),
  })
    .then(function (response) { return response.json(); })
    .then(function (body) {
      var coordinates = {};
      body.data.__schema.types.forEach(function (type) {
        (type.fields || []).forEach(function (field) { coordinates[type.name + '.' + field.name] = true; });
      });
      render(config.examples.filter(function (example) {
        return (example.requires || []).every(function (coordinate) { return coordinates[coordinate]; });
      }));
    })
    .catch(function () { render(config.examples); });
})();
`;

/** Layout the GraphiQL stylesheet leaves to the host page. */
export const idePageStyles = `html, body { height: 100%; margin: 0; }
#graphiql { height: 100vh; }
#graphiql > .loading { font: 16px system-ui, sans-serif; padding: 2rem; color: #555; }
`;
