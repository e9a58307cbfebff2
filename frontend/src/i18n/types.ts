/** The same nested keys as `T`, every leaf a string: what a translation must provide. */
export type Messages<T> = {
  [K in keyof T]: T[K] extends string ? string : Messages<T[K]>;
};
