// Messages of the manufacturer-oversight screens: campaigns. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'campaigns',
};

export const zhCN: Messages<typeof en> = {
  title: 'campaigns',
};
