import { existsSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

// The backend commits the SDL it serves at graphql/schema.graphql; that file is the truth.
// Until it exists, the contract the UI was written against stands in for it.
const committed = '../graphql/schema.graphql';
const schema = existsSync(committed) ? committed : './schema.contract.graphql';

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
        scalars: { DateTime: 'string', Decimal: 'string', ID: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
  hooks: {},
};

export default config;
