// Messages of the customer-care screens: revisits. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'revisits',
};

export const zhCN: Messages<typeof en> = {
  title: 'revisits',
};
