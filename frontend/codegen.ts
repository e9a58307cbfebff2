import type { CodegenConfig } from '@graphql-codegen/cli';

// The SDL the backend serves, committed by it at graphql/schema.graphql, and our
// operation documents next to it: every query the app sends is checked against both.
const schema = '../graphql/schema.graphql';

const config: CodegenConfig = {
  schema,
  documents: ['../graphql/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Decimal: 'string', ID: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
};

export default config;
