/** Looks up an app setting by name; the host's default reads environment variables, as Functions does. */
export type SettingResolver = (name: string) => string | undefined;

export const environmentSettings: SettingResolver = (name) => process.env[name];

/** Replaces `%NAME%` placeholders in binding values (schedules, queue names) the way the Functions host does. */
export function resolvePlaceholders(text: string, resolveSetting: SettingResolver, where: string): string {
  return text.replace(/%([^%]+)%/g, (_placeholder, name: string) => {
    const value = resolveSetting(name);
    if (value === undefined || value === "") {
      throw new Error(`${where} refers to the app setting ${name}, which is not set`);
    }
    return value;
  });
}
