// Messages of the customer-care screens: reminders. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'reminders',
};

export const zhCN: Messages<typeof en> = {
  title: 'reminders',
};
