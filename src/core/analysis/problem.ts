/** A validation problem: a stable code plus readable text. */
export interface Problem {
  code: string;
  message: string;
}
