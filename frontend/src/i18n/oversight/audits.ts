// Messages of the manufacturer-oversight screens: audits. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {
  title: 'audits',
};

export const zhCN: Messages<typeof en> = {
  title: 'audits',
};
