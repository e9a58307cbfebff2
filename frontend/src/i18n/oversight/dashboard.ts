// Messages of the manufacturer-oversight screens: dashboard. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'dashboard',
};

export const zhCN: Messages<typeof en> = {
  title: 'dashboard',
};
