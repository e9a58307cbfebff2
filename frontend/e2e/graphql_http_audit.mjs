// GraphQL over HTTP conformance: runs graphql-http's server audits against
// ${BASE_URL}/graphql and prints one JSON line with every audit's outcome, so
// tests/api/test_graphql_http_audit.py can hold each MUST and each chosen SHOULD.
import { serverAudits } from 'graphql-http';

const BASE_URL = (process.env.BASE_URL || '').replace(/\/$/, '');
if (!BASE_URL) {
  console.error('BASE_URL is not set');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url: `${BASE_URL}/graphql`, fetchFn: fetch })) {
  const requirement = audit.name.split(' ', 1)[0];
  let outcome;
  try {
    outcome = await audit.fn();
  } catch (error) {
    // graphql-http throws only on a fatal problem (e.g. the server is unreachable).
    outcome = { status: 'error', reason: `audit threw: ${error}` };
  }
  const entry = { id: audit.id, name: audit.name, requirement, status: outcome.status };
  if (outcome.status !== 'ok') {
    entry.reason = outcome.reason;
    if (outcome.response) {
      entry.responseStatus = outcome.response.status;
      entry.responseType = outcome.response.headers.get('content-type');
    }
  }
  results.push(entry);
}
console.log(JSON.stringify({ url: `${BASE_URL}/graphql`, results }));
