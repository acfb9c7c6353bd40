/** A reason a job fails with an error code, reported in both `statusDetails` and `error`. */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
