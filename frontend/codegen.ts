import type { CodegenConfig } from '@graphql-codegen/cli';

// The SDL the backend serves, committed by it at graphql/schema.graphql, and our
// operation documents next to it: every query the app sends is checked against both.
// DN_SCHEMA / DN_DOCUMENTS point elsewhere to try operations against a schema in progress.
const schema = process.env.DN_SCHEMA ?? '../graphql/schema.graphql';
const extraDocuments = process.env.DN_DOCUMENTS ? [process.env.DN_DOCUMENTS] : [];

const config: CodegenConfig = {
  schema,
  documents: [
    '../graphql/operations/*.graphql',
    '../graphql/operations/partners/*.graphql', // not examples/: documentation, not the app's
    ...extraDocuments,
  ],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Date: 'string', DateTime: 'string', Decimal: 'string', ID: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
};

export default config;
