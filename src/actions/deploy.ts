import { main } from './deploy/main.js';
import { runAction } from './kit/runtime.js';

runAction(main);
