// Messages of the customer-care screens: measures. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'measures',
};

export const zhCN: Messages<typeof en> = {
  title: 'measures',
};
