/**
 * The status `show` and the studio give a `started` step whose unsafe tool returned after
 * its run ended or its state was left (`meta.lateResult`): not a plain `started`, which reads
 * as a call that may never have run.
 */
export const lateStatus = 'started, returned late';
