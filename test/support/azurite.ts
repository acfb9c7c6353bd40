export {
  devAccountKey,
  devAccountName,
  startAzurite,
  type RunningAzurite,
} from '../../local/storage/startAzurite';
