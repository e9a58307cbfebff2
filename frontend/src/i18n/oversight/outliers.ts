// Messages of the manufacturer-oversight screens: outliers. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'outliers',
};

export const zhCN: Messages<typeof en> = {
  title: 'outliers',
};
