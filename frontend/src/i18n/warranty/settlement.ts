// Messages of the warranty screens: settlement. English is the shape; Chinese must fill it.
import type { Messages } from '../types';

export const en = {};

export const zhCN: Messages<typeof en> = {};
