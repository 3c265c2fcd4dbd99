/** Option lists shared by the case forms and filters. */
export const SEVERITY_OPTIONS = [
  ["4", "S4 Critical"],
  ["3", "S3 High"],
  ["2", "S2 Medium"],
  ["1", "S1 Low"],
] as const;

export const TLP_OPTIONS = [
  ["clear", "TLP:CLEAR"],
  ["green", "TLP:GREEN"],
  ["amber", "TLP:AMBER"],
  ["amber_strict", "TLP:AMBER+STRICT"],
  ["red", "TLP:RED"],
] as const;

export type TlpValue = (typeof TLP_OPTIONS)[number][0];

export function Options({ options }: { options: readonly (readonly [string, string])[] }) {
  return options.map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));
}
