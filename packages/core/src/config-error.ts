/** An invalid lambkin config: the message names the function (or route) and key. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
