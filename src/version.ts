/** The Redis version whose behaviour this server reproduces (INFO, HELLO, banners, errors). */
export const REDIS_VERSION = "7.2.4";
