// Messages of the customer-care screens: complaints. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'complaints',
};

export const zhCN: Messages<typeof en> = {
  title: 'complaints',
};
