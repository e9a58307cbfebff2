// Messages of the customer-care screens: settings. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'settings',
};

export const zhCN: Messages<typeof en> = {
  title: 'settings',
};
